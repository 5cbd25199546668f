using VScsi.Reliability.Fuzz;

namespace VScsi.Engine.Tests.Reliability;

/// <summary>
/// The short, fixed-seed run of the iSCSI fuzzer against a served partition (issue 10, item 7):
/// pre-login, login, full feature phase, single commands, slow and idle connections. After each
/// run the invariants hold: no case hangs, attacked connections end or answer, a fresh login
/// still writes and reads, no canary block changed, and stopping the partition completes.
/// Longer runs with any seed: bench/VScsi.ReliabilityBench.
/// </summary>
public sealed class IscsiFuzzTests : IAsyncLifetime
{
    private const long Seed = 20261201;
    private static readonly TimeSpan ShutdownGuard = TimeSpan.FromSeconds(10);

    private FuzzServer _server = null!;
    private FuzzRunner _runner = null!;

    public async Task InitializeAsync()
    {
        _server = FuzzServer.Start(8 << 20, loginTimeout: TimeSpan.FromSeconds(2), keepAlive: TimeSpan.FromSeconds(1));
        var opcodes = await FuzzProbe.OpcodesAsync(_server.Target, default);
        Assert.NotEmpty(opcodes);
        var ctx = new FuzzContext(_server.Target, opcodes)
        {
            LoginTimeout = TimeSpan.FromSeconds(2),
            KeepAlive = TimeSpan.FromSeconds(1),
            Guard = TimeSpan.FromSeconds(10),
            IdleConnections = 24,
            SlowLorisPause = TimeSpan.FromSeconds(1),
        };
        _runner = new FuzzRunner(ctx, Seed) { HugeEdtl = false };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Stops serving and checks what must hold at the end of every run: shutdown completes and no canary block changed.</summary>
    private async Task<List<FuzzFinding>> FinishAsync()
    {
        var findings = _runner.Findings.ToList();
        if (await _server.StopAsync(ShutdownGuard) is null)
            findings.Add(new FuzzFinding(Seed, FuzzPhase.FullFeature, -1, FindingKind.ShutdownHung, $"stopping the partition took more than {ShutdownGuard.TotalSeconds} s"));
        var after = FuzzProbe.CanaryHash(_server.Target);
        if (after != _server.CanaryBefore)
            findings.Add(new FuzzFinding(Seed, FuzzPhase.FullFeature, -1, FindingKind.CanaryChanged, "blocks outside the scratch and probe ranges changed"));
        return findings;
    }

    private static void AssertNone(IEnumerable<FuzzFinding> findings, params FindingKind[] known)
    {
        var unexpected = findings.Where(f => !known.Contains(f.Kind)).ToList();
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected));
    }

    [Fact]
    public async Task PreLoginAndFullFeature_MutatedPdus_KeepEveryInvariant()
    {
        await _runner.RunPhaseAsync(FuzzPhase.PreLogin, 0, 150, connections: 8, probeEvery: 50, default);
        await _runner.RunPhaseAsync(FuzzPhase.FullFeature, 0, 300, connections: 8, probeEvery: 50, default);
        await _runner.RunPhaseAsync(FuzzPhase.SingleCommand, 0, 150, connections: 8, probeEvery: 50, default);
        AssertNone(await FinishAsync());
        Assert.True(_runner.Context.Pdus > 1500, $"{_runner.Context.Pdus} PDUs sent");
    }

    [Fact]
    public async Task Login_MutatedSequences_KeepEveryInvariant()
    {
        await _runner.RunPhaseAsync(FuzzPhase.Login, 0, 300, connections: 8, probeEvery: 100, default);
        AssertNone(await FinishAsync());
    }

    [Fact]
    public async Task SlowAndIdleConnections_AreEndedAndDoNotStarveOthers()
    {
        await _runner.RunSlowAsync(default);
        AssertNone(await FinishAsync());
    }
}
