namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Full feature phase: a valid login (digests on or off), then a burst of mutated SCSI Command,
/// Data-Out, NOP-Out, Text, Task Management, Logout, SNACK, Login and unknown PDUs with random
/// ITT, CmdSN and ExpStatSN. Afterwards the connection must answer a NOP-Out or end.
/// </summary>
public static class FullFeatureCase
{
    public static async Task<IReadOnlyList<(FindingKind, string)>> RunAsync(FuzzContext ctx, FuzzRandom r, bool allowHugeEdtl, CancellationToken ct)
    {
        var (wire, why) = await FuzzSession.CaseLoginAsync(ctx.Target, r.NextUInt64(), r.Chance(3), r.Chance(3), ct).ConfigureAwait(false);
        if (wire is null) return [(FindingKind.ProbeFailed, "a valid login was refused: " + why)];
        await using (wire.ConfigureAwait(false))
        {
            var framed = true;
            var log = new List<string>();
            for (var n = r.Next(1, 16); n > 0 && framed; n--)
            {
                var pdu = Build(ctx, wire, r, allowHugeEdtl);
                var unmap = pdu.Opcode == 0x01 && pdu.Header[32] == 0x42;
                if (!unmap && r.Chance(2))
                {
                    PduMutator.MutateFields(pdu, r, allowHugeEdtl);
                    if (pdu.Opcode == 0x01) Guard(pdu, ctx, r);
                }
                byte[] bytes;
                if (!unmap && r.Chance(10))
                {
                    bytes = PduMutator.BreakFraming(pdu, r, wire.HeaderDigest, wire.DataDigest);
                    framed = false;
                }
                else bytes = pdu.Encode(wire.HeaderDigest, wire.DataDigest);
                log.Add($"{pdu.Opcode:x2}/{Convert.ToHexString(pdu.Header.AsSpan(32, 4))}");
                ctx.Trace?.Invoke($"send {bytes.Length} bytes (data {pdu.Data.Length}, framed {framed}): BHS {Convert.ToHexString(bytes.AsSpan(0, Math.Min(48, bytes.Length)))}");
                try
                {
                    await wire.SendRawAsync(bytes, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    break;
                }
                if (r.Chance(3)) await DrainAsync(wire, ct).ConfigureAwait(false);
            }
            ctx.Count(wire);
            bool ok;
            if (framed) ok = await wire.AnswersOrEndsAsync(ctx.Guard, ct).ConfigureAwait(false);
            else
            {
                wire.HalfClose();
                ok = await wire.EndsWithinAsync(ctx.Guard, ct).ConfigureAwait(false);
            }
            return ok ? [] : [(FindingKind.ConnectionStuck, $"after {string.Join(' ', log)} (framed: {framed})")];
        }
    }

    /// <summary>Re-applies the write guard to a mutated SCSI Command's CDB; a CDB turned into UNMAP becomes TEST UNIT READY.</summary>
    private static void Guard(WirePdu pdu, FuzzContext ctx, FuzzRandom r)
    {
        var cdb = pdu.Header.AsSpan(32, 16);
        if (cdb[0] == 0x42) cdb[0] = 0x00;
        WriteGuard.Apply(cdb, ctx.Target, r);
    }

    /// <summary>Reads what the target sent so far (briefly), answering its pings.</summary>
    private static async Task DrainAsync(FuzzWire wire, CancellationToken ct)
    {
        try
        {
            for (var i = 0; i < 64; i++)
            {
                var pdu = await wire.ReceiveAsync(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
                if (pdu is null) return;
                if (pdu.Opcode == 0x20 && pdu.U32(20) != WirePdu.ReservedTag) await wire.AnswerPingAsync(pdu, ct).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>A PDU of a random kind, valid before mutation.</summary>
    public static WirePdu Build(FuzzContext ctx, FuzzWire wire, FuzzRandom r, bool allowHugeEdtl)
    {
        var kind = r.Next(100);
        WirePdu pdu;
        if (kind < 45)
        {
            var c = CdbFactory.Create(ctx, r, allowHugeEdtl);
            pdu = FuzzSession.Command(wire, c.Cdb, c.Read, c.Write, c.Edtl);
            if (r.Chance(4) && c.Cdb[0] != 0x42) pdu.Header[1] &= 0x7F;   // more data to follow as unsolicited Data-Out
            pdu.Data = c.Data.Length > wire.MaxRecvDataSegment ? c.Data[..wire.MaxRecvDataSegment] : c.Data;
            return pdu;
        }
        if (kind < 60) pdu = DataOut(wire, r);
        else if (kind < 70) pdu = Nop(wire, r);
        else if (kind < 78) pdu = Text(wire, r);
        else if (kind < 88) pdu = TaskManagement(wire, r);
        else if (kind < 91) pdu = Logout(wire, r);
        else if (kind < 94) pdu = new WirePdu(0x10, flags: (byte)(0x80 | r.Next(4))) { Itt = r.EdgyUInt32() };   // SNACK
        else if (kind < 96) pdu = FuzzSession.LoginPdu(r.NextUInt64(), true, 1, 3);
        else pdu = new WirePdu((byte)r.Pick(new[] { 0x07, 0x08, 0x0F, 0x11, 0x1C, 0x1E, 0x20, 0x25, 0x3F }), r.Chance(2)) { Itt = wire.Itt++ };
        if (pdu.Data.Length == 0 && r.Chance(4)) pdu.Data = CdbFactory.Sanitize(r.Bytes(r.Next(1, 1024)));
        return pdu;
    }

    private static WirePdu DataOut(FuzzWire wire, FuzzRandom r)
    {
        var pdu = new WirePdu(0x05, flags: (byte)(r.Chance(3) ? 0 : 0x80)) { Itt = r.Chance(2) ? wire.Itt - (uint)r.Next(1, 8) : r.EdgyUInt32() };
        pdu.U32(20, r.Chance(2) ? WirePdu.ReservedTag : r.EdgyUInt32());     // TTT: unsolicited or an R2T's
        pdu.U32(36, (uint)r.Next(4));                                      // DataSN
        pdu.U32(40, r.Chance(2) ? (uint)r.Next(8) * 512 : r.EdgyUInt32()); // buffer offset
        pdu.Data = CdbFactory.Sanitize(r.Bytes(r.Next(1, Math.Min(wire.MaxRecvDataSegment, 8192))));
        return pdu;
    }

    private static WirePdu Nop(FuzzWire wire, FuzzRandom r)
    {
        var pdu = new WirePdu(0x00, immediate: r.Chance(2)) { Itt = r.Chance(4) ? WirePdu.ReservedTag : wire.Itt++ };
        pdu.U32(20, r.Chance(2) ? WirePdu.ReservedTag : r.EdgyUInt32());
        pdu.U32(24, wire.CmdSn);
        pdu.Data = CdbFactory.Sanitize(r.Bytes(r.Next(Math.Min(wire.MaxRecvDataSegment, 4096))));
        return pdu;
    }

    private static WirePdu Text(FuzzWire wire, FuzzRandom r)
    {
        var pdu = new WirePdu(0x04, immediate: r.Chance(2), flags: (byte)(r.Chance(4) ? 0x40 : 0x80)) { Itt = wire.Itt++ };
        pdu.U32(20, r.Chance(2) ? WirePdu.ReservedTag : r.EdgyUInt32());
        pdu.U32(24, wire.CmdSn);
        pdu.Data = r.Next(4) switch
        {
            0 => WirePdu.Keys(("SendTargets", "All")),
            1 => WirePdu.Keys(("SendTargets", ""), ("X-fuzz", new string('v', r.Next(4000)))),
            2 => WirePdu.Keys(("MaxRecvDataSegmentLength", r.EdgyUInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)), ("HeaderDigest", "CRC32C")),
            _ => CdbFactory.Sanitize(r.Bytes(r.Next(1, 2048))),
        };
        return pdu;
    }

    private static WirePdu TaskManagement(FuzzWire wire, FuzzRandom r)
    {
        var function = r.Chance(6) ? r.NextByte() : (byte)r.Next(1, 9);
        var pdu = new WirePdu(0x02, immediate: r.Chance(2), flags: (byte)(0x80 | (function & 0x7F))) { Itt = wire.Itt++ };
        pdu.U32(20, r.Chance(2) ? wire.Itt - (uint)r.Next(1, 8) : r.EdgyUInt32());   // referenced task tag
        pdu.U32(24, wire.CmdSn);
        pdu.U32(32, r.Chance(2) ? wire.CmdSn - 1 : r.EdgyUInt32());                   // RefCmdSN
        return pdu;
    }

    private static WirePdu Logout(FuzzWire wire, FuzzRandom r)
    {
        var pdu = new WirePdu(0x06, immediate: r.Chance(2), flags: (byte)(0x80 | r.Next(4))) { Itt = wire.Itt++ };
        pdu.U16(20, (ushort)r.Next(3));
        pdu.U32(24, wire.CmdSn);
        return pdu;
    }
}
