using System.Globalization;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Login phase (RFC 7143 6, 11.12, 12.1.3): sequences of up to six login PDUs to the target with
/// or without CHAP, following the normal order with steps skipped, repeated or mutated: stage
/// and transit bits, names right or wrong, AuthMethod and CHAP_A choices, CHAP_N/CHAP_R right,
/// wrong or missing, mutual CHAP, operational keys with hostile values, broken key text. No
/// sequence without a correct CHAP_R may reach full feature phase on the CHAP target, no wrong
/// name may reach it at all, and the connection must end or answer afterwards.
/// </summary>
public static class LoginCase
{
    private sealed class State
    {
        public bool Chap;
        public string Initiator = "";
        public string TargetName = "";
        public bool NamesRight;
        public byte? ChapId;
        public byte[]? Challenge;
        public bool ProvedChap;
    }

    public static async Task<IReadOnlyList<(FindingKind, string)>> RunAsync(FuzzContext ctx, FuzzRandom r, CancellationToken ct)
    {
        var t = ctx.Target;
        var s = new State { Chap = r.Chance(2) };
        var rightInitiator = !r.Chance(6);
        var rightTarget = !r.Chance(6);
        s.Initiator = rightInitiator ? (s.Chap ? t.ChapInitiatorIqn : t.InitiatorIqn) : "iqn.2026-11.org.fuzz:intruder" + r.Next(1000);
        s.TargetName = rightTarget ? (s.Chap ? t.ChapTargetIqn : t.TargetIqn) : "iqn.2026-11.org.fuzz:nosuch" + r.Next(1000);
        s.NamesRight = rightInitiator && rightTarget;
        var isid = r.NextUInt64();
        var wire = await FuzzWire.ConnectAsync(t.Portal, ct).ConfigureAwait(false);
        await using (wire.ConfigureAwait(false))
        {
            var steps = new List<string>();
            var reachedFull = false;
            var ended = false;
            var discovery = false;
            for (var n = r.Next(1, 7); n > 0 && !reachedFull && !ended; n--)
            {
                var (pdu, name) = Step(ctx, r, s, isid, steps.Count == 0);
                discovery |= System.Text.Encoding.UTF8.GetString(pdu.Data).Contains("SessionType=Discovery", StringComparison.Ordinal);
                if (r.Chance(5)) MutateHeader(pdu, r);
                steps.Add(name + $"[{pdu.Flags:x2}]");
                try
                {
                    await wire.SendAsync(pdu, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    ended = true;
                    break;
                }
                var answer = await ReceiveAsync(wire, ctx, ct).ConfigureAwait(false);
                if (answer is null || answer.Opcode != 0x23 || answer.LoginStatus != 0)
                {
                    ended = answer is null;
                    break;
                }
                var keys = WirePdu.ParseKeys(answer.Data);
                if (keys.TryGetValue("CHAP_I", out var id) && keys.TryGetValue("CHAP_C", out var c) && byte.TryParse(id, CultureInfo.InvariantCulture, out var idByte) && c.Length > 2)
                {
                    s.ChapId = idByte;
                    try { s.Challenge = Convert.FromHexString(c[2..]); } catch (FormatException) { s.Challenge = null; }
                }
                reachedFull = (answer.Flags & 0x83) == 0x83;
                if (reachedFull) wire.CmdSn = answer.U32(28);
            }
            ctx.Count(wire);
            var findings = new List<(FindingKind, string)>();
            var sequence = $"{(s.Chap ? "CHAP" : "plain")} target, names {(s.NamesRight ? "right" : "wrong")}: {string.Join(" ", steps)}";
            if (reachedFull && !discovery && s.Chap && !s.ProvedChap) findings.Add((FindingKind.ChapBypassed, sequence));
            if (reachedFull && !discovery && !s.NamesRight) findings.Add((FindingKind.LoginAccepted, sequence));
            bool ok;
            if (reachedFull) ok = await wire.AnswersOrEndsAsync(ctx.Guard, ct).ConfigureAwait(false);
            else
            {
                wire.HalfClose();
                ok = ended || await wire.EndsWithinAsync(ctx.Guard, ct).ConfigureAwait(false);
            }
            if (!ok) findings.Add((FindingKind.ConnectionStuck, sequence));
            return findings;
        }
    }

    private static async Task<WirePdu?> ReceiveAsync(FuzzWire wire, FuzzContext ctx, CancellationToken ct)
    {
        try
        {
            return await wire.ReceiveAsync(ctx.Guard, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The next login PDU: mostly the normal next step, sometimes any step, with or without the transit bit.</summary>
    private static (WirePdu Pdu, string Name) Step(FuzzContext ctx, FuzzRandom r, State s, ulong isid, bool first)
    {
        var names = new List<(string, string)> { ("InitiatorName", s.Initiator), ("SessionType", r.Chance(12) ? "Discovery" : "Normal"), ("TargetName", s.TargetName) };
        if (r.Chance(10)) names.RemoveAt(r.Next(names.Count));
        var choice = first && !r.Chance(5) ? r.Next(2) : r.Next(8);
        switch (choice)
        {
            case 0: // security stage, offering authentication methods
                var auth = r.Pick(new[] { "CHAP", "None", "CHAP,None", "None,CHAP", "SRP,KRB5", "", "CHAP,CHAP,CHAP" });
                return (Login(isid, r.Chance(3), 0, r.Chance(3) ? 3 : 1, [.. names, ("AuthMethod", auth)]), "AuthMethod=" + auth);
            case 1: // straight to full feature phase without authentication
                return (Login(isid, true, 0, 3, [.. names, ("AuthMethod", "None"), .. FuzzSession.Operational(false, false)]), "None->FFP");
            case 2: // the CHAP algorithm
                var algorithm = r.Pick(new[] { "5", "7", "7,5", "6,5", "x", new string('5', 300) });
                return (Login(isid, r.Chance(4), 0, 1, [("CHAP_A", algorithm)]), "CHAP_A=" + algorithm);
            case 3: // the CHAP response, right or wrong, maybe with a mutual challenge
                return ChapResponse(r, s, ctx.Target, isid);
            case 4: // operational stage to full feature phase (before or after the security stage)
                return (Login(isid, !r.Chance(6), 1, 3, HostileOperational(r)), "CSG1->FFP");
            case 5: // reserved stages and continue bit
                var pdu = Login(isid, r.Chance(2), r.Next(4), r.Next(4), [.. names, ("AuthMethod", "None")]);
                if (r.Chance(2)) pdu.Header[1] |= 0x40;
                if (r.Chance(2)) pdu.Header[2] = r.NextByte();                                          // Version-max
                return (pdu, $"stage{(pdu.Flags >> 2) & 3}->{pdu.Flags & 3}");
            case 6: // broken key text
                var bad = Login(isid, r.Chance(2), r.Next(2), r.Next(2) == 0 ? 1 : 3, names);
                bad.Data = r.Next(4) switch
                {
                    0 => [.. bad.Data, .. System.Text.Encoding.UTF8.GetBytes("NoEqualsSign\0=NoKey\0")],
                    1 => [.. bad.Data, .. WirePdu.Keys((new string('K', 200), "1"), ("AuthMethod", new string('v', 8000)))],
                    2 => [.. bad.Data[..^1]],                                                               // no final NUL
                    _ => CdbFactory.Sanitize(r.Bytes(r.Next(1, 8192))),
                };
                return (bad, "broken keys");
            default: // repeat the security stage with duplicate keys
                return (Login(isid, r.Chance(2), 0, 1, [.. names, ("AuthMethod", "CHAP"), ("AuthMethod", "None"), ("InitiatorName", "iqn.2026-11.org.fuzz:other")]), "duplicates");
        }
    }

    private static (WirePdu, string) ChapResponse(FuzzRandom r, State s, FuzzTarget t, ulong isid)
    {
        var right = s.ChapId is byte id && s.Challenge is { } challenge && !r.Chance(3);
        var user = right && !r.Chance(6) ? t.ChapUser : "intruder";
        var response = right ? FuzzSession.ChapResponse(s.ChapId!.Value, t.ChapSecret, s.Challenge!) : r.Bytes(r.Chance(4) ? r.Next(0, 600) : 16);
        var keys = new List<(string, string)> { ("CHAP_N", user) };
        var kind = r.Next(6);
        if (kind != 0) keys.Add(("CHAP_R", kind == 1 ? "0xZZ" : "0x" + Convert.ToHexString(response)));
        if (kind == 2) keys.AddRange([("CHAP_I", "7"), ("CHAP_C", "0x" + Convert.ToHexString(r.Bytes(16)))]);
        var transit = !r.Chance(5);
        var pdu = Login(isid, transit, 0, r.Chance(4) ? 3 : 1, keys);
        if (right && user == t.ChapUser && kind is not 0 and not 1) s.ProvedChap = true;
        return (pdu, right && user == t.ChapUser && kind > 1 ? "CHAP_R(right)" : kind == 0 ? "CHAP_N only" : "CHAP_R(wrong)");
    }

    private static (string, string)[] HostileOperational(FuzzRandom r)
    {
        string Any() => r.Pick(new[] { "0", "-1", "4294967296", "18446744073709551615", "16777215", "512", "abc", "", "Yes", "CRC32C,None", new string('9', 400) });
        var keys = FuzzSession.Operational(r.Chance(2), r.Chance(2)).ToList();
        for (var n = r.Next(4); n > 0; n--)
        {
            var i = r.Next(keys.Count);
            keys[i] = (keys[i].Item1, Any());
        }
        if (r.Chance(3)) keys.Add((r.Pick(new[] { "MaxConnections", "MaxOutstandingR2T", "DefaultTime2Wait", "DefaultTime2Retain", "OFMarker", "TaskReporting", "X-fuzz" }), Any()));
        return [.. keys];
    }

    private static WirePdu Login(ulong isid, bool transit, int csg, int nsg, IEnumerable<(string, string)> keys)
    {
        var pdu = FuzzSession.LoginPdu(isid, transit, csg, nsg);
        pdu.Data = WirePdu.Keys([.. keys]);
        return pdu;
    }

    private static void MutateHeader(WirePdu pdu, FuzzRandom r)
    {
        switch (r.Next(6))
        {
            case 0: pdu.Itt = r.EdgyUInt32(); break;
            case 1: pdu.U32(24, r.EdgyUInt32()); break;                         // CmdSN
            case 2: pdu.U16(14, (ushort)r.Next(1, 65536)); break;               // TSIH of a session that may not exist
            case 3: pdu.U16(20, (ushort)r.Next(65536)); break;                  // CID
            case 4: pdu.Header[3] = r.NextByte(); break;                        // Version-min
            default: pdu.Header[8 + r.Next(6)] = r.NextByte(); break;           // ISID changes mid-login
        }
    }
}
