using System.Buffers.Binary;
using System.Diagnostics;
using VScsi.Reliability.Fuzz;

namespace VScsi.ReliabilityBench;

/// <summary>
/// <c>rss</c>: the memory figure of issue 10. A serving child with a 1 GiB sparse disk; its VmRSS
/// at start, then logged-in mutated PDUs (full feature phase and single commands) for the given
/// minutes plus 200 READs of 64 MiB, the peak RSS, the RSS right after, and after 60 s idle.
/// Goals: within 256 MiB of the start after the run, within 64 MiB after the idle minute.
/// </summary>
public static class RssVerb
{
    public static async Task<int> RunAsync(Options o)
    {
        var seed = o.Long("seed", Environment.TickCount64);
        var minutes = o.Double("minutes", 10);
        var connections = o.Int("connections", 8);
        var reads = o.Int("reads", 200);
        var readMiB = o.Int("read-mib", 64);
        var idle = TimeSpan.FromSeconds(o.Double("idle-seconds", 60));
        Console.WriteLine($"VScsi RSS soak: seed {seed}, {minutes} min of mutated PDUs on {connections} connections, {reads} x {readMiB} MiB READs, {idle.TotalSeconds:0} s idle");
        await using var server = await ServerProcess.StartAsync([.. o.Pass("log"), "--disk-mib", o.Long("disk-mib", 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        var ctx = new FuzzContext(server.Target, await FuzzProbe.OpcodesAsync(server.Target, default).ConfigureAwait(false));
        var runner = new FuzzRunner(ctx, seed) { HugeEdtl = !o.Flag("no-huge-edtl") };
        await runner.ProbeAsync(FuzzPhase.FullFeature, 0, default).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        var start = server.RssMiB() ?? 0;
        Console.WriteLine($"RSS at start: {start:0} MiB (pid {server.Pid})");
        var peak = start;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.RssMiB() ?? 0);
                try { await Task.Delay(250, sampling.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        });
        var clock = Stopwatch.StartNew();
        long next = 0;
        var shown = TimeSpan.Zero;
        while (clock.Elapsed.TotalMinutes < minutes && !server.Exited)
        {
            await runner.RunPhaseAsync(FuzzPhase.FullFeature, next, 200, connections, 100, default).ConfigureAwait(false);
            await runner.RunPhaseAsync(FuzzPhase.SingleCommand, next, 100, connections, 100, default).ConfigureAwait(false);
            next += 200;
            if (clock.Elapsed - shown < TimeSpan.FromSeconds(15)) continue;
            shown = clock.Elapsed;
            Console.WriteLine($"{clock.Elapsed:mm\\:ss} {ctx.Attempts} cases, {runner.Findings.Count} findings, RSS {server.RssMiB():0} MiB, peak {peak:0} MiB");
        }
        var (readOk, readFailed) = await ReadsAsync(server.Target, reads, readMiB).ConfigureAwait(false);
        Console.WriteLine($"{clock.Elapsed:mm\\:ss} {readOk} of {reads} x {readMiB} MiB READs good, RSS {server.RssMiB():0} MiB, peak {peak:0} MiB");
        var after = server.RssMiB() ?? double.NaN;
        await Task.Delay(idle).ConfigureAwait(false);
        var afterIdle = server.RssMiB() ?? double.NaN;
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        var stop = await server.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Console.WriteLine($"reads: {reads} attempted, {readFailed} failed");
        var code = FuzzVerb.Report(runner, stop, clock.Elapsed);
        Console.WriteLine($"RSS start {start:0} MiB, peak {peak:0} MiB, after the run {after:0} MiB, after {idle.TotalSeconds:0} s idle {afterIdle:0} MiB");
        var runGoal = after - start <= 256;
        var idleGoal = afterIdle - start <= 64;
        Console.WriteLine($"goal after the run (within 256 MiB of start): {(runGoal ? "met" : "NOT met")} ({after - start:+0;-0} MiB)");
        Console.WriteLine($"goal after idle (within 64 MiB of start): {(idleGoal ? "met" : "NOT met")} ({afterIdle - start:+0;-0} MiB)");
        return runGoal && idleGoal && code == 0 ? 0 : 1;
    }

    /// <summary>
    /// <paramref name="count"/> reads of <paramref name="mib"/> MiB each on one fresh session, each as
    /// READ(16)s (SBC-4 5.19) of at most the target's MAXIMUM TRANSFER LENGTH (32 MiB, the Block
    /// Limits VPD's figure) sent together, so a whole 64 MiB read is in flight at once; the data is
    /// read and dropped.
    /// </summary>
    private static async Task<(int Good, int Failed)> ReadsAsync(FuzzTarget t, int count, int mib)
    {
        var (wire, why) = await FuzzSession.LoginAsync(t, 0xBEEF, false, false, default).ConfigureAwait(false);
        if (wire is null)
        {
            Console.WriteLine("reads: login refused: " + why);
            return (0, count);
        }
        await using (wire.ConfigureAwait(false))
        {
            await FuzzSession.ExecuteAsync(wire, new byte[6], 0, null, default, read: false).ConfigureAwait(false);
            var blocks = (uint)((long)mib << 20) / (uint)t.BlockSize;
            var partBlocks = (uint)(MaxTransfer / t.BlockSize);
            var good = 0;
            for (var i = 0; i < count; i++)
            {
                var lba = (ulong)i * blocks % (ulong)(t.Blocks - blocks);
                var parts = new Dictionary<uint, (long Expected, long Received)>();
                for (uint done = 0; done < blocks; done += partBlocks)
                {
                    var n = Math.Min(partBlocks, blocks - done);
                    var cdb = new byte[16];
                    cdb[0] = 0x88;
                    BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba + done);
                    BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), n);
                    var cmd = FuzzSession.Command(wire, cdb, read: true, write: false, (uint)(n * t.BlockSize));
                    parts[cmd.Itt] = ((long)n * t.BlockSize, 0);
                    await wire.SendAsync(cmd, default).ConfigureAwait(false);
                }
                var answered = 0;
                var allGood = true;
                while (answered < parts.Count && await wire.ReceiveAsync(FuzzSession.Guard, default).ConfigureAwait(false) is { } pdu)
                {
                    if (pdu.Opcode == 0x20 && pdu.U32(20) != WirePdu.ReservedTag) await wire.AnswerPingAsync(pdu, default).ConfigureAwait(false);
                    if (!parts.TryGetValue(pdu.Itt, out var part)) continue;
                    part.Received += pdu.Opcode == 0x25 ? pdu.Data.Length : 0;
                    parts[pdu.Itt] = part;
                    if (pdu.Opcode == 0x21 || (pdu.Opcode == 0x25 && (pdu.Flags & 0x01) != 0))
                    {
                        answered++;
                        allGood &= pdu.Header[3] == 0 && part.Received == part.Expected;
                    }
                }
                if (answered == parts.Count && allGood) good++;
            }
            return (good, count - good);
        }
    }

    /// <summary>The most one command moves on the served disk (its Block Limits VPD MAXIMUM TRANSFER LENGTH).</summary>
    private const int MaxTransfer = 32 << 20;
}
