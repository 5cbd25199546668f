using VScsi.Reliability.Fuzz;

namespace VScsi.ReliabilityBench;

/// <summary>
/// <c>replay</c>: runs cases [--from, --from + --count) of one phase and seed one at a time against a
/// fresh serving child, comparing the canary after each, so that a finding of a batch is narrowed
/// to the case (or the run of cases) that causes it.
/// </summary>
public static class ReplayVerb
{
    public static async Task<int> RunAsync(Options o)
    {
        var seed = o.Long("seed", 0);
        var phase = Enum.Parse<FuzzPhase>(o.Text("phase") ?? nameof(FuzzPhase.FullFeature));
        var from = o.Long("from", 0);
        var count = o.Long("count", 100);
        await using var server = await ServerProcess.StartAsync([.. o.Pass("log"), "--disk-mib", o.Long("disk-mib", 16).ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        var ctx = new FuzzContext(server.Target, await FuzzProbe.OpcodesAsync(server.Target, default).ConfigureAwait(false))
        {
            Trace = o.Flag("trace") ? Console.WriteLine : null,
        };
        var runner = new FuzzRunner(ctx, seed) { HugeEdtl = !o.Flag("no-huge-edtl") };
        var failures = 0;
        for (var i = from; i < from + count; i++)
        {
            var findings = await runner.RunCaseAsync(phase, i, default).ConfigureAwait(false);
            if (o.Flag("probe")) await runner.ProbeAsync(phase, i, default).ConfigureAwait(false);
            foreach (var f in findings.Concat(runner.Findings.Where(f => f.Kind == FindingKind.ProbeFailed && f.Index == i))) Console.WriteLine(f);
            if (o.Flag("probe") && runner.Findings.Any(f => f.Kind == FindingKind.ProbeFailed)) break;
            var diff = FuzzProbe.CanaryDiff(server.Target);
            if (diff.Count == 0) continue;
            Console.WriteLine($"seed {seed} {phase} #{i}: canary blocks changed (lba+count): {string.Join(" ", diff)}");
            failures++;
            break;
        }
        await server.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return failures == 0 ? 0 : 1;
    }
}
