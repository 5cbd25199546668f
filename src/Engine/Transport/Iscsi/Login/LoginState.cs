namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// Where a target login stands (RFC 7143 6.3 and 12.1.3). Every complete Login Request moves the
/// login along exactly one edge; anything else is a refusal. On a target that requires CHAP the
/// only way out of the security stage is <see cref="AwaitingChapAlgorithm"/> →
/// <see cref="AwaitingChapResponse"/> → <see cref="Authenticated"/>.
/// </summary>
internal enum LoginState
{
    /// <summary>Nothing complete has arrived: the leading request (InitiatorName, SessionType, TargetName) is next.</summary>
    Start,

    /// <summary>AuthMethod=CHAP was agreed; the initiator must send CHAP_A next (RFC 7143 12.1.3).</summary>
    AwaitingChapAlgorithm,

    /// <summary>CHAP_A was answered with CHAP_I and CHAP_C; the initiator must send CHAP_N and CHAP_R next.</summary>
    AwaitingChapResponse,

    /// <summary>The security stage is done (a valid CHAP answer, or AuthMethod None where allowed); transit may follow.</summary>
    Authenticated,

    /// <summary>In the operational negotiation stage (CSG 1).</summary>
    OperationalNegotiation,

    /// <summary>The final Login Response went with T=1 and NSG=3: the session is admitted.</summary>
    FullFeature,

    /// <summary>A Login Response with a non-zero status went; the connection closes.</summary>
    Refused,
}

/// <summary>Login stage numbers of the CSG and NSG fields (RFC 7143 11.12.3); 2 is reserved.</summary>
internal static class LoginStage
{
    public const int Security = 0;
    public const int Operational = 1;
    public const int Reserved = 2;
    public const int FullFeature = 3;
}
