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
    private FuzzContext _context = null!;

    public async Task InitializeAsync()
    {
        _server = FuzzServer.Start(8 << 20, loginTimeout: TimeSpan.FromSeconds(2), keepAlive: TimeSpan.FromSeconds(1));
        var opcodes = await FuzzProbe.OpcodesAsync(_server.Target, default);
        Assert.NotEmpty(opcodes);
        _context = new FuzzContext(_server.Target, opcodes)
        {
            LoginTimeout = TimeSpan.FromSeconds(2),
            KeepAlive = TimeSpan.FromSeconds(1),
            Guard = TimeSpan.FromSeconds(10),
            IdleConnections = 24,
            SlowLorisPause = TimeSpan.FromSeconds(1),
        };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Every finding of the run plus the end-of-run ones (shutdown, canary), none of them of a kind not in <paramref name="known"/>.</summary>
    private async Task AssertNoFindingsAsync(FuzzRunner runner, params FindingKind[] known)
    {
        var findings = runner.Findings.Concat(await _server.StopFindingsAsync(Seed, ShutdownGuard)).Where(f => !known.Contains(f.Kind)).ToList();
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    private async Task<FuzzRunner> MutatedPdusAsync()
    {
        var runner = new FuzzRunner(_context, Seed) { HugeEdtl = true };
        await runner.RunPhaseAsync(FuzzPhase.PreLogin, 0, 150, connections: 8, probeEvery: 50, default);
        await runner.RunPhaseAsync(FuzzPhase.FullFeature, 0, 300, connections: 8, probeEvery: 50, default);
        await runner.RunPhaseAsync(FuzzPhase.SingleCommand, 0, 150, connections: 8, probeEvery: 50, default);
        Assert.True(_context.Pdus > 1500, $"{_context.Pdus} PDUs sent");
        return runner;
    }

    [Fact]
    public async Task MutatedPdus_AnyExpectedLength_KeepEveryInvariant()
    {
        await AssertNoFindingsAsync(await MutatedPdusAsync());
    }

    [Fact]
    public async Task LoginSequences_NoneWithoutAValidChapResponse_ReachesFullFeaturePhase()
    {
        var runner = new FuzzRunner(_context, Seed);
        await runner.RunPhaseAsync(FuzzPhase.Login, 0, 300, connections: 8, probeEvery: 100, default);
        await AssertNoFindingsAsync(runner);
    }

    [Fact]
    public async Task SlowAndIdleConnections_AreEndedAndDoNotStarveOthers()
    {
        var runner = new FuzzRunner(_context, Seed);
        await runner.RunSlowAsync(default);
        await AssertNoFindingsAsync(runner);
    }
}
