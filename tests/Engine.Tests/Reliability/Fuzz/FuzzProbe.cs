using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// The invariants checked between cases: a fresh, valid login still gets a WRITE/READ round trip
/// through (SBC-4 5.40, 5.16), and the canary blocks hash the same as before the run.
/// </summary>
public static class FuzzProbe
{
    /// <summary>Logs in, writes a pattern of its own to the probe range, reads it back and logs out; null when all went well, else what failed.</summary>
    public static async Task<string?> RoundTripAsync(FuzzTarget t, long round, CancellationToken ct)
    {
        var (wire, why) = await FuzzSession.LoginAsync(t, 0xFACE0000UL + (ulong)(round & 0xFFFF), false, false, ct).ConfigureAwait(false);
        if (wire is null) return "login refused: " + why;
        await using (wire.ConfigureAwait(false))
        {
            CommandAnswer answer;
            var tries = 0;
            do answer = await FuzzSession.ExecuteAsync(wire, new byte[6], 0, null, ct, read: false).ConfigureAwait(false);   // TEST UNIT READY takes unit attentions
            while (!answer.Good && !answer.Closed && ++tries < 8);
            var start = new byte[6];
            start[0] = 0x1B;
            start[4] = 0x01;                                                     // START STOP UNIT, START: a fuzz case may have stopped it
            if (!(answer = await PastConflictAsync(() => FuzzSession.ExecuteAsync(wire, start, 0, null, ct, read: false), ct).ConfigureAwait(false)).Good) return "START STOP UNIT: " + answer;
            var length = (int)(t.ProbeBlocks * t.BlockSize);
            var pattern = FuzzRandom.For(round, 0x50524F4245).Bytes(length);
            var write = Cdb10(0x2A, (uint)t.ProbeLba, (ushort)t.ProbeBlocks);
            if (!(answer = await PastConflictAsync(() => FuzzSession.ExecuteAsync(wire, write, (uint)length, pattern, ct), ct).ConfigureAwait(false)).Good) return "WRITE(10): " + answer;
            var read = Cdb10(0x28, (uint)t.ProbeLba, (ushort)t.ProbeBlocks);
            if (!(answer = await PastConflictAsync(() => FuzzSession.ExecuteAsync(wire, read, (uint)length, null, ct), ct).ConfigureAwait(false)).Good) return "READ(10): " + answer;
            if (!answer.Data.AsSpan().SequenceEqual(pattern)) return "READ(10) returned other data than was written";
            await FuzzSession.LogoutAsync(wire, ct).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Runs a command again while it meets RESERVATION CONFLICT, for up to two seconds: the session of
    /// a case that reserved the unit (SPC-2 RESERVE) may still be ending on the target when the probe
    /// logs in; a reservation that outlives that is a finding. A UNIT ATTENTION (a fuzz case's
    /// LOGICAL UNIT RESET or CLEAR TASK SET on another nexus, SAM-5 5.14) is taken and the command
    /// sent again, as every initiator does.
    /// </summary>
    private static async Task<CommandAnswer> PastConflictAsync(Func<Task<CommandAnswer>> command, CancellationToken ct)
    {
        const byte CheckCondition = 0x02, ReservationConflict = 0x18, UnitAttention = 0x06;
        var answer = await command().ConfigureAwait(false);
        for (var i = 0; i < 10 && (answer.Status == ReservationConflict || answer is { Status: CheckCondition, SenseKey: UnitAttention }); i++)
        {
            if (answer.Status == ReservationConflict) await Task.Delay(200, ct).ConfigureAwait(false);
            answer = await command().ConfigureAwait(false);
        }
        return answer;
    }

    public static byte[] Cdb10(byte opcode, uint lba, ushort blocks)
    {
        var cdb = new byte[10];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), blocks);
        return cdb;
    }

    /// <summary>The commands the target reports (REPORT SUPPORTED OPERATION CODES, all commands, SPC-5 6.35.2).</summary>
    public static async Task<IReadOnlyList<SupportedOpcode>> OpcodesAsync(FuzzTarget t, CancellationToken ct)
    {
        var (wire, why) = await FuzzSession.LoginAsync(t, 0xC0DE, false, false, ct).ConfigureAwait(false);
        if (wire is null) throw new IOException("cannot log in to ask for the supported operation codes: " + why);
        await using (wire.ConfigureAwait(false))
        {
            await FuzzSession.ExecuteAsync(wire, new byte[6], 0, null, ct, read: false).ConfigureAwait(false);
            var cdb = new byte[12];
            cdb[0] = 0xA3;
            cdb[1] = 0x0C;
            BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), 65536);
            var answer = await FuzzSession.ExecuteAsync(wire, cdb, 65536, null, ct).ConfigureAwait(false);
            var list = new List<SupportedOpcode>();
            if (!answer.Good || answer.Data.Length < 4) return list;
            var end = Math.Min(answer.Data.Length, 4 + (int)BinaryPrimitives.ReadUInt32BigEndian(answer.Data));
            for (var at = 4; at + 8 <= end;)
            {
                var d = answer.Data.AsSpan(at);
                var serviceAction = (d[5] & 0x01) != 0 ? BinaryPrimitives.ReadUInt16BigEndian(d[2..]) : (ushort?)null;
                list.Add(new SupportedOpcode(d[0], serviceAction, BinaryPrimitives.ReadUInt16BigEndian(d[6..])));
                at += (d[5] & 0x02) != 0 ? 20 : 8;                               // CTDP: a timeouts descriptor follows
            }
            await FuzzSession.LogoutAsync(wire, ct).ConfigureAwait(false);
            return list;
        }
    }

    /// <summary>SHA-256 of every block of the disk file outside the scratch and probe ranges.</summary>
    public static string CanaryHash(FuzzTarget t)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ScanCanary(t, (_, block) => sha.AppendData(block));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>The canary blocks that differ from what <see cref="FillCanary"/> left (pattern or zeros), as ranges "lba+count", at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<string> CanaryDiff(FuzzTarget t, int max = 8)
    {
        var changed = new List<(long Lba, long Count)>();
        var patterns = PatternChunks(t).ToDictionary(lba => lba, lba => FuzzRandom.For(lba, 0xCA9A8F).Bytes((int)(CanaryChunk * t.BlockSize)));
        ScanCanary(t, (lba, block) =>
        {
            var chunk = patterns.Keys.FirstOrDefault(c => lba >= c && lba < c + CanaryChunk, -1);
            var expected = chunk >= 0 ? patterns[chunk].AsSpan((int)((lba - chunk) * t.BlockSize), t.BlockSize) : new byte[t.BlockSize];
            if (block.SequenceEqual(expected)) return;
            if (changed.Count > 0 && changed[^1].Lba + changed[^1].Count == lba) changed[^1] = (changed[^1].Lba, changed[^1].Count + 1);
            else changed.Add((lba, 1));
        }, perBlock: true);
        return changed.Take(max).Select(c => $"{c.Lba}+{c.Count}").ToList();
    }

    /// <summary>Feeds every canary block (or run of blocks) to <paramref name="visit"/> with its LBA.</summary>
    private static void ScanCanary(FuzzTarget t, Action<long, ReadOnlySpan<byte>> visit, bool perBlock = false)
    {
        using var file = new FileStream(t.DiskPath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
        var buffer = new byte[1 << 20];
        var blocks = t.Blocks;
        for (long lba = 0; lba < blocks;)
        {
            var skipTo = lba >= t.ScratchLba && lba < t.ScratchLba + t.ScratchBlocks ? t.ScratchLba + t.ScratchBlocks
                : lba >= t.ProbeLba && lba < t.ProbeLba + t.ProbeBlocks ? t.ProbeLba + t.ProbeBlocks : -1;
            if (skipTo >= 0)
            {
                lba = skipTo;
                continue;
            }
            var next = new[] { blocks, lba + buffer.Length / t.BlockSize, lba < t.ScratchLba ? t.ScratchLba : blocks, lba < t.ProbeLba ? t.ProbeLba : blocks }.Min();
            var bytes = (int)((next - lba) * t.BlockSize);
            file.Position = lba * t.BlockSize;
            file.ReadExactly(buffer, 0, bytes);
            if (!perBlock) visit(lba, buffer.AsSpan(0, bytes));
            else for (var i = 0; i < bytes / t.BlockSize; i++) visit(lba + i, buffer.AsSpan(i * t.BlockSize, t.BlockSize));
            lba = next;
        }
    }

    private const long CanaryChunk = 64;

    private static IEnumerable<long> PatternChunks(FuzzTarget t) =>
        new[] { 0L, t.ProbeLba - CanaryChunk, t.ProbeLba + t.ProbeBlocks, t.ScratchLba - CanaryChunk, t.ScratchLba + t.ScratchBlocks, t.Blocks - CanaryChunk }
            .Where(lba => lba >= 0 && lba + CanaryChunk <= t.Blocks).Distinct();

    /// <summary>Writes a recognisable pattern into the canary blocks next to the scratch and probe ranges and at both ends of the disk.</summary>
    public static void FillCanary(FuzzTarget t)
    {
        using var file = new FileStream(t.DiskPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        foreach (var lba in PatternChunks(t))
        {
            file.Position = lba * t.BlockSize;
            file.Write(FuzzRandom.For(lba, 0xCA9A8F).Bytes((int)(CanaryChunk * t.BlockSize)));
        }
        file.Flush(flushToDisk: true);
    }
}
