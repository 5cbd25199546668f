namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Connections that hold the target's resources without doing anything: slow-loris (a login PDU
/// one byte per pause), a header whose data never comes (before login and in full feature
/// phase), and many idle connections, logged in or not, that never send. Each must be ended by
/// the target within its login timeout or two keep-alive intervals (RFC 7143 11.19), plus the guard.
/// </summary>
public static class SlowCase
{
    /// <summary>The kinds, one case index each; idle connections are cases from index <see cref="Kinds"/> on.</summary>
    public const int Kinds = 4;

    public static async Task<IReadOnlyList<(FindingKind, string)>> RunAsync(FuzzContext ctx, FuzzRandom r, long index, CancellationToken ct)
    {
        var login = ctx.LoginTimeout + ctx.Guard;
        var keepAlive = ctx.KeepAlive * 2 + ctx.Guard;
        return index switch
        {
            0 => await SlowLorisAsync(ctx, r, login, ct).ConfigureAwait(false),
            1 => await SilentAfterAsync(ctx, Header(ctx, r, loggedIn: false), null, login, "a login header, then silence", ct).ConfigureAwait(false),
            2 => await LoggedInAsync(ctx, r, wire => Header(ctx, r, loggedIn: true, wire), keepAlive, "a SCSI Command header promising data, then silence", ct).ConfigureAwait(false),
            3 => await LoggedInAsync(ctx, r, _ => [], keepAlive, "logged in, never sends", ct).ConfigureAwait(false),
            _ => await SilentAfterAsync(ctx, [], null, login, "connected, never sends", ct).ConfigureAwait(false),
        };
    }

    private static async Task<IReadOnlyList<(FindingKind, string)>> SlowLorisAsync(FuzzContext ctx, FuzzRandom r, TimeSpan limit, CancellationToken ct)
    {
        var pdu = FuzzSession.LoginPdu(r.NextUInt64(), true, 0, 3);
        pdu.Data = WirePdu.Keys([("InitiatorName", ctx.Target.InitiatorIqn), ("TargetName", ctx.Target.TargetIqn), ("AuthMethod", "None"), .. FuzzSession.Operational(false, false)]);
        var bytes = pdu.Encode(false, false);
        var wire = await FuzzWire.ConnectAsync(ctx.Target.Portal, ct).ConfigureAwait(false);
        await using (wire.ConfigureAwait(false))
        {
            var started = DateTime.UtcNow;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (DateTime.UtcNow - started > limit)
                    return [(FindingKind.SlowConnectionKept, $"slow-loris login: {i} bytes over {(DateTime.UtcNow - started).TotalSeconds:0} s and still connected")];
                try
                {
                    await wire.SendRawAsync(bytes.AsMemory(i, 1), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    return [];
                }
                if (await wire.EndsWithinAsync(ctx.SlowLorisPause, ct).ConfigureAwait(false)) return [];
            }
            ctx.Count(wire);
            return [];                                                       // the whole login got through before the timeout: allowed
        }
    }

    private static async Task<IReadOnlyList<(FindingKind, string)>> SilentAfterAsync(FuzzContext ctx, byte[] bytes, FuzzWire? loggedIn, TimeSpan limit, string what, CancellationToken ct)
    {
        var wire = loggedIn ?? await FuzzWire.ConnectAsync(ctx.Target.Portal, ct).ConfigureAwait(false);
        await using (wire.ConfigureAwait(false))
        {
            try
            {
                if (bytes.Length > 0) await wire.SendRawAsync(bytes, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                return [];
            }
            ctx.Count(wire);
            return await wire.EndsWithinAsync(limit, ct).ConfigureAwait(false) ? [] : [(FindingKind.SlowConnectionKept, $"{what}: still connected after {limit.TotalSeconds:0} s")];
        }
    }

    private static async Task<IReadOnlyList<(FindingKind, string)>> LoggedInAsync(FuzzContext ctx, FuzzRandom r, Func<FuzzWire, byte[]> bytes, TimeSpan limit, string what, CancellationToken ct)
    {
        var (wire, why) = await FuzzSession.CaseLoginAsync(ctx.Target, r.NextUInt64(), false, false, ct).ConfigureAwait(false);
        if (wire is null) return [(FindingKind.ProbeFailed, "a valid login was refused: " + why)];
        return await SilentAfterAsync(ctx, bytes(wire), wire, limit, what, ct).ConfigureAwait(false);
    }

    /// <summary>A header whose data segment (or, before login, whose key text) never follows.</summary>
    private static byte[] Header(FuzzContext ctx, FuzzRandom r, bool loggedIn, FuzzWire? wire = null)
    {
        WirePdu pdu;
        if (loggedIn)
        {
            var read10 = new byte[10];
            read10[0] = 0x28;
            pdu = FuzzSession.Command(wire!, read10, read: false, write: false, edtl: 0);
        }
        else pdu = FuzzSession.LoginPdu(r.NextUInt64(), true, 0, 3);
        pdu.Data = new byte[512];
        return pdu.Encode(false, false)[..WirePdu.BhsLength];
    }
}
