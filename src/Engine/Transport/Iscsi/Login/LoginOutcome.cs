namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>How a target login ended: a session admitted to full feature phase, a refusal sent, or the initiator gone.</summary>
internal abstract record LoginOutcome
{
    private LoginOutcome()
    {
    }

    /// <summary>The final Login Response went; the connection is in full feature phase with these parameters.</summary>
    public sealed record Admitted(IscsiSession Session, IscsiTargetEntry? Entry, SessionParameters Parameters) : LoginOutcome;

    /// <summary>A Login Response with this status class and detail (RFC 7143 11.13.5) went; the connection closes.</summary>
    public sealed record Refused(ushort Status, string Reason) : LoginOutcome;

    /// <summary>The initiator closed the connection before the login completed.</summary>
    public sealed record Abandoned : LoginOutcome;
}
