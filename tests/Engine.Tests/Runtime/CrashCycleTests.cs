using System.Reflection;
using VScsi.Engine.Tests.Configuration;
using VScsi.ServeProbe;

namespace VScsi.Engine.Tests.Runtime;

/// <summary>
/// Issue 10 defect 3 and item 4: a serving process killed with SIGKILL leaves nothing that keeps the
/// next one from serving, and no block it acknowledged (FUA, or WRITE + SYNCHRONIZE CACHE) is lost.
/// Three cycles here; tests/soak/crash-cycles.sh runs as many as asked.
/// </summary>
public sealed class CrashCycleTests : IDisposable
{
    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string ProbePath() =>
        typeof(CrashCycleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServeProbe").Value!;

    [Fact]
    public async Task KillNineThreeTimes_EachRestartServesAndEveryAcknowledgedBlockReadsBack()
    {
        Assert.True(File.Exists(ProbePath()), $"{ProbePath()} was not built");
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var figures = await new CrashCycle(ProbePath(), _temp.Folder, seed: 10, TextWriter.Null).RunAsync(3, hangGuard.Token);

        Assert.Empty(figures.Failures);
        Assert.Equal((3, 4, 0L), (figures.Cycles, figures.Starts, figures.Lost));
        Assert.True(figures.Acknowledged >= 3 * 50, $"only {figures.Acknowledged} blocks were acknowledged");
        // Each start after a kill says what it cleared: the Running state the killed process left.
        var recoveries = figures.Warnings.Where(w => w.Contains("cleared", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, recoveries.Count);
        Assert.All(recoveries, w => Assert.Contains("the Running state", w));
    }
}
