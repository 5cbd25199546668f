namespace VScsi.Reliability.Fuzz;

/// <summary>
/// One well-framed SCSI Command inside the command window, with a random CDB, direction flags and
/// expected length (RFC 7143 11.3). Whatever the CDB, the target owes an answer on the connection:
/// a SCSI Response, a Data-In with status, or a Reject (RFC 7143 11.17); dropping the connection
/// is a finding. R2Ts are answered up to <see cref="R2TBudget"/> bytes; past that the connection
/// must still answer a NOP-Out.
/// </summary>
public static class SingleCommandCase
{
    public const long R2TBudget = 16L << 20;

    public static async Task<IReadOnlyList<(FindingKind, string)>> RunAsync(FuzzContext ctx, FuzzRandom r, bool allowHugeEdtl, CancellationToken ct)
    {
        var (wire, why) = await FuzzSession.CaseLoginAsync(ctx.Target, r.NextUInt64(), r.Chance(4), r.Chance(4), ct).ConfigureAwait(false);
        if (wire is null) return [(FindingKind.ProbeFailed, "a valid login was refused: " + why)];
        await using (wire.ConfigureAwait(false))
        {
            var c = CdbFactory.Create(ctx, r, allowHugeEdtl);
            var pdu = FuzzSession.Command(wire, c.Cdb, c.Read, c.Write, c.Edtl);
            pdu.Data = c.Data.Length > Math.Min(wire.MaxRecvDataSegment, 65536) ? c.Data[..Math.Min(wire.MaxRecvDataSegment, 65536)] : c.Data;
            var what = $"CDB {Convert.ToHexString(c.Cdb)} flags {pdu.Flags:x2} EDTL 0x{c.Edtl:x8} data {pdu.Data.Length}";
            await wire.SendAsync(pdu, ct).ConfigureAwait(false);
            var outcome = await AwaitAnswerAsync(wire, pdu.Itt, c.Data, ct).ConfigureAwait(false);
            ctx.Count(wire);
            return outcome switch
            {
                Outcome.Answered => [],
                Outcome.Dropped => [(FindingKind.CommandDropped, what)],
                Outcome.Waiting when await wire.AnswersOrEndsAsync(ctx.Guard, ct).ConfigureAwait(false) => [],
                _ => [(FindingKind.ConnectionStuck, what)],
            };
        }
    }

    private enum Outcome
    {
        Answered,
        Dropped,
        Waiting,
        Stuck,
    }

    private static async Task<Outcome> AwaitAnswerAsync(FuzzWire wire, uint itt, byte[] data, CancellationToken ct)
    {
        long offered = 0;
        var deadline = DateTime.UtcNow + FuzzSession.Guard;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return Outcome.Stuck;
            WirePdu? pdu;
            try
            {
                pdu = await wire.ReceiveAsync(left, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return Outcome.Stuck;
            }
            if (pdu is null) return Outcome.Dropped;
            if (pdu.Opcode == 0x20 && pdu.U32(20) != WirePdu.ReservedTag) await wire.AnswerPingAsync(pdu, ct).ConfigureAwait(false);
            if (pdu.Opcode == 0x3F) return Outcome.Answered;
            if (pdu.Itt != itt) continue;
            if (pdu.Opcode == 0x21 || (pdu.Opcode == 0x25 && (pdu.Flags & 0x01) != 0)) return Outcome.Answered;
            if (pdu.Opcode != 0x31) continue;
            var length = pdu.U32(44);
            if (offered + length > R2TBudget) return Outcome.Waiting;
            offered += length;
            await AnswerR2TAsync(wire, pdu, data, ct).ConfigureAwait(false);
            deadline = DateTime.UtcNow + FuzzSession.Guard;
        }
    }

    private static async Task AnswerR2TAsync(FuzzWire wire, WirePdu r2t, byte[] data, CancellationToken ct)
    {
        var (offset, length) = (r2t.U32(40), r2t.U32(44));
        var dataSn = 0u;
        for (uint sent = 0; sent < length; dataSn++)
        {
            var n = (int)Math.Min((uint)wire.MaxRecvDataSegment, length - sent);
            var pdu = new WirePdu(0x05, flags: (byte)(sent + n >= length ? 0x80 : 0)) { Itt = r2t.Itt };
            pdu.U32(20, r2t.U32(20));
            pdu.U32(36, dataSn);
            pdu.U32(40, offset + sent);
            var chunk = new byte[n];
            var from = (long)offset + sent;
            if (from < data.Length) data.AsSpan((int)from, (int)Math.Min(n, data.Length - from)).CopyTo(chunk);
            pdu.Data = chunk;
            await wire.SendAsync(pdu, ct).ConfigureAwait(false);
            sent += (uint)n;
        }
    }
}
