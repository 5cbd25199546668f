namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Before any login: garbage bytes, a truncated basic header, bogus opcodes, huge
/// DataSegmentLength and TotalAHSLength values, and run-together PDUs. The sender then closes its
/// side, and the target must end the connection within the guard: a target that waits for the
/// rest of a lying PDU after the end of the stream, or keeps reading, is stuck.
/// </summary>
public static class PreLoginCase
{
    public static async Task<IReadOnlyList<(FindingKind, string)>> RunAsync(FuzzContext ctx, FuzzRandom r, CancellationToken ct)
    {
        var wire = await FuzzWire.ConnectAsync(ctx.Target.Portal, ct).ConfigureAwait(false);
        await using (wire.ConfigureAwait(false))
        {
            var kind = r.Next(7);
            var bytes = kind switch
            {
                0 => r.Bytes(r.Next(1, 4096)),
                1 => Login(ctx, r)[..r.Next(1, WirePdu.BhsLength)],
                2 => Bogus(r),
                3 => Lengths(ctx, r),
                4 => [.. Login(ctx, r), .. r.Bytes(r.Next(1, 200))],
                5 => Mutated(ctx, r),
                _ => [.. Login(ctx, r), .. Bogus(r)],
            };
            try
            {
                await wire.SendRawAsync(bytes, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
            }
            ctx.Count(wire);
            wire.HalfClose();
            return await wire.EndsWithinAsync(ctx.Guard, ct).ConfigureAwait(false)
                ? []
                : [(FindingKind.ConnectionStuck, $"kind {kind}, {bytes.Length} bytes starting {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 16)))}")];
        }
    }

    private static byte[] Login(FuzzContext ctx, FuzzRandom r)
    {
        var pdu = FuzzSession.LoginPdu(r.NextUInt64(), true, 0, 3);
        pdu.Data = WirePdu.Keys(("InitiatorName", ctx.Target.InitiatorIqn), ("TargetName", ctx.Target.TargetIqn), ("AuthMethod", "None"));
        return pdu.Encode(false, false);
    }

    /// <summary>A header of every opcode but Login, with random fields.</summary>
    private static byte[] Bogus(FuzzRandom r)
    {
        var header = r.Bytes(WirePdu.BhsLength);
        var opcode = r.Next(64);
        header[0] = (byte)((opcode == 0x03 ? 0x3E : opcode) | (r.Chance(2) ? 0x40 : 0));
        header[4] = 0;
        header[5] = header[6] = 0;
        header[7] = (byte)(r.Next(32) * 4);
        return [.. header, .. new byte[header[7]]];
    }

    /// <summary>A login header whose lengths claim far more than is sent (up to 16 MiB of data, 1020 bytes of AHS).</summary>
    private static byte[] Lengths(FuzzContext ctx, FuzzRandom r)
    {
        var bytes = Login(ctx, r);
        if (r.Chance(2)) bytes[4] = r.Chance(2) ? (byte)0xFF : r.NextByte();
        else (bytes[5], bytes[6], bytes[7]) = (0xFF, r.NextByte(), r.NextByte());
        return bytes[..Math.Min(bytes.Length, WirePdu.BhsLength + r.Next(256))];
    }

    private static byte[] Mutated(FuzzContext ctx, FuzzRandom r)
    {
        var bytes = Login(ctx, r);
        for (var n = r.Next(1, 6); n > 0; n--) bytes[r.Next(bytes.Length)] = r.NextByte();
        return bytes;
    }
}
