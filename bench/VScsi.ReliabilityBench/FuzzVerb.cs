using System.Diagnostics;
using VScsi.Reliability.Fuzz;

namespace VScsi.ReliabilityBench;

/// <summary>
/// <c>fuzz</c>: the soak run of the iSCSI fuzzer against a serving child process. The slow phase
/// runs alongside; the other phases take turns in batches, each followed by the round-trip probe,
/// until the time is up. Prints attempts, PDUs, findings (seed, phase, index) and the stop.
/// </summary>
public static class FuzzVerb
{
    private static readonly (FuzzPhase Phase, int Batch)[] Turns =
        [(FuzzPhase.PreLogin, 100), (FuzzPhase.Login, 100), (FuzzPhase.FullFeature, 200), (FuzzPhase.SingleCommand, 100)];

    public static async Task<int> RunAsync(Options o)
    {
        var seed = o.Long("seed", Environment.TickCount64);
        var minutes = o.Double("minutes", 2);
        var connections = o.Int("connections", 8);
        var loginTimeout = o.Double("login-timeout", 5);
        var keepAlive = o.Double("keepalive", 5);
        Console.WriteLine($"VScsi iSCSI fuzz: seed {seed}, {minutes} min, {connections} connections, {Environment.ProcessorCount} cores");
        await using var server = await ServerProcess.StartAsync([.. o.Pass("log"), "--disk-mib", o.Long("disk-mib", 64).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--login-timeout", loginTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture), "--keepalive", keepAlive.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        var ctx = new FuzzContext(server.Target, await FuzzProbe.OpcodesAsync(server.Target, default).ConfigureAwait(false))
        {
            LoginTimeout = TimeSpan.FromSeconds(loginTimeout),
            KeepAlive = TimeSpan.FromSeconds(keepAlive),
            IdleConnections = o.Int("idle", 64),
        };
        var runner = new FuzzRunner(ctx, seed) { HugeEdtl = !o.Flag("no-huge-edtl"), CanaryEachBatch = o.Flag("canary-each-batch") };
        var phases = o.Text("phases")?.Split(',').Select(Enum.Parse<FuzzPhase>).ToHashSet();
        var clock = Stopwatch.StartNew();
        var slow = phases is null || phases.Contains(FuzzPhase.Slow) ? runner.RunSlowAsync(default) : Task.CompletedTask;
        var turns = Turns.Where(t => phases is null || phases.Contains(t.Phase)).ToArray();
        var next = new long[turns.Length];
        var shown = TimeSpan.Zero;
        while (clock.Elapsed.TotalMinutes < minutes && !server.Exited)
        {
            for (var t = 0; t < turns.Length && clock.Elapsed.TotalMinutes < minutes; t++)
            {
                await runner.RunPhaseAsync(turns[t].Phase, next[t], turns[t].Batch, connections, o.Int("probe-every", 100), default).ConfigureAwait(false);
                next[t] += turns[t].Batch;
            }
            if (clock.Elapsed - shown < TimeSpan.FromSeconds(15)) continue;
            shown = clock.Elapsed;
            Console.WriteLine($"{clock.Elapsed:mm\\:ss} {ctx.Attempts} cases, {ctx.Pdus} PDUs, {runner.Probes} probes, {runner.Findings.Count} findings, target RSS {server.RssMiB():0} MiB");
        }
        await slow.ConfigureAwait(false);
        var stop = await server.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return Report(runner, stop, clock.Elapsed);
    }

    /// <summary>Prints the summary and the findings (the first few of each kind); the exit code is 1 when there is any.</summary>
    public static int Report(FuzzRunner runner, IReadOnlyList<string> stop, TimeSpan took)
    {
        var ctx = runner.Context;
        var fromServer = stop.Where(l => l.StartsWith("FINDING ", StringComparison.Ordinal)).ToList();
        Console.WriteLine($"attempts: {ctx.Attempts} cases + {runner.Probes} probes in {took:hh\\:mm\\:ss}; {ctx.Pdus} PDUs, {ctx.Bytes / 1048576.0:0.0} MiB sent");
        foreach (var line in stop.Where(l => !l.StartsWith("FINDING ", StringComparison.Ordinal))) Console.WriteLine("serve: " + line);
        Console.WriteLine($"failures: {runner.Findings.Count + fromServer.Count}");
        foreach (var kind in runner.Findings.GroupBy(f => f.Kind))
        {
            Console.WriteLine($"  {kind.Key}: {kind.Count()}");
            foreach (var f in kind.Take(5)) Console.WriteLine($"    {f}");
        }
        foreach (var line in fromServer) Console.WriteLine("  " + line[8..]);
        return runner.Findings.Count + fromServer.Count == 0 ? 0 : 1;
    }
}
