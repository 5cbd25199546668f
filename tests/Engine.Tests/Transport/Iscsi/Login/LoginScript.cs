using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>One Login Request of a scripted sequence; keys may depend on what the wire saw (a CHAP challenge).</summary>
internal sealed record LoginStep(byte Flags, Func<LoginWire, (string, string)[]> Keys)
{
    public LoginStep(byte flags, params (string, string)[] keys) : this(flags, _ => keys)
    {
    }
}

/// <summary>Runs login sequences and reports how the target answered them.</summary>
internal static class LoginScript
{
    /// <summary>
    /// Sends the steps in order and stops at the first answer that is not a success, at a closed
    /// connection (null) or after the last step; returns the last answer.
    /// </summary>
    public static async Task<Pdu?> RunAsync(LoginWire wire, IEnumerable<LoginStep> steps)
    {
        Pdu? last = null;
        foreach (var step in steps)
        {
            last = await wire.ExchangeAsync(step.Flags, step.Keys(wire));
            if (last is null || LoginWire.StatusOf(last) != LoginStatus.Success || LoginWire.IsFullFeature(last)) return last;
        }
        return last;
    }

    public static byte Security(bool transit = false, int nsg = 1) => LoginWire.Flags(0, nsg, transit);

    public static readonly byte OperationalToFull = LoginWire.Flags(1, 3, transit: true);
}
