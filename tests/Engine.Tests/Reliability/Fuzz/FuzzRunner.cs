using System.Collections.Concurrent;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Runs fuzz cases against a target, <c>connections</c> at a time, in batches of
/// <c>probeEvery</c> with the round-trip probe after each batch; every case runs under a hang
/// guard and is named by (seed, phase, index), so a finding replays with <see cref="RunCaseAsync"/>.
/// </summary>
public sealed class FuzzRunner(FuzzContext ctx, long seed)
{
    private readonly ConcurrentQueue<FuzzFinding> _findings = new();
    private long _probes;

    public long Seed { get; } = seed;
    public FuzzContext Context { get; } = ctx;

    /// <summary>Lets cases send ExpectedDataTransferLength 0x7fffffff/0xffffffff/0x80000000 (issue 10, defect 2).</summary>
    public bool HugeEdtl { get; init; } = true;

    /// <summary>Compares the canary blocks after every batch (cheap on a small disk), so that a change is named by the batch that made it.</summary>
    public bool CanaryEachBatch { get; init; }

    private string _lastCanary = "";

    public IReadOnlyList<FuzzFinding> Findings => [.. _findings];
    public long Probes => Interlocked.Read(ref _probes);

    /// <summary>Cases [<paramref name="start"/>, start + count) of a phase, then a probe after each batch.</summary>
    public async Task RunPhaseAsync(FuzzPhase phase, long start, long count, int connections, int probeEvery, CancellationToken ct)
    {
        for (var batch = start; batch < start + count && !ct.IsCancellationRequested; batch += probeEvery)
        {
            var end = Math.Min(batch + probeEvery, start + count);
            var next = batch;
            var workers = Enumerable.Range(0, Math.Max(1, connections)).Select(async _ =>
            {
                long i;
                while ((i = Interlocked.Increment(ref next) - 1) < end && !ct.IsCancellationRequested)
                    await RunCaseAsync(phase, i, ct).ConfigureAwait(false);
            });
            await Task.WhenAll(workers).ConfigureAwait(false);
            await ProbeAsync(phase, end, ct).ConfigureAwait(false);
            if (CanaryEachBatch) CheckCanary(phase, batch, end);
        }
    }

    private void CheckCanary(FuzzPhase phase, long from, long to)
    {
        var diff = string.Join(" ", FuzzProbe.CanaryDiff(Context.Target));
        if (diff.Length == 0 || diff == _lastCanary) return;
        _lastCanary = diff;
        _findings.Enqueue(new FuzzFinding(Seed, phase, from, FindingKind.CanaryChanged, $"after cases #{from}..#{to - 1}, canary blocks changed (lba+count): {diff}"));
    }

    /// <summary>The slow phase: every kind at once plus <see cref="FuzzContext.IdleConnections"/> idle connections, with a probe while they hang on.</summary>
    public async Task RunSlowAsync(CancellationToken ct)
    {
        var cases = Enumerable.Range(0, SlowCase.Kinds + Context.IdleConnections).Select(i => RunCaseAsync(FuzzPhase.Slow, i, ct)).ToList();
        await ProbeAsync(FuzzPhase.Slow, -1, ct).ConfigureAwait(false);
        await Task.WhenAll(cases).ConfigureAwait(false);
        await ProbeAsync(FuzzPhase.Slow, cases.Count, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FuzzFinding>> RunCaseAsync(FuzzPhase phase, long index, CancellationToken ct)
    {
        Context.Attempted();
        var r = FuzzRandom.For(Seed ^ ((long)phase << 56), index);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var limit = Context.Guard * 4 + (phase == FuzzPhase.Slow ? Context.LoginTimeout + Context.KeepAlive * 2 : TimeSpan.Zero);
        var run = phase switch
        {
            FuzzPhase.PreLogin => PreLoginCase.RunAsync(Context, r, cts.Token),
            FuzzPhase.Login => LoginCase.RunAsync(Context, r, cts.Token),
            FuzzPhase.FullFeature => FullFeatureCase.RunAsync(Context, r, HugeEdtl, cts.Token),
            FuzzPhase.SingleCommand => SingleCommandCase.RunAsync(Context, r, HugeEdtl, cts.Token),
            _ => SlowCase.RunAsync(Context, r, index, cts.Token),
        };
        IReadOnlyList<(FindingKind Kind, string What)> found;
        try
        {
            found = await run.WaitAsync(limit, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            found = [(FindingKind.CaseHung, $"not finished in {limit.TotalSeconds:0} s")];
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException && !ct.IsCancellationRequested)
        {
            found = [(FindingKind.ConnectionStuck, "the case failed: " + e.Message)];
        }
        var findings = found.Select(f => new FuzzFinding(Seed, phase, index, f.Kind, f.What)).ToList();
        foreach (var f in findings) _findings.Enqueue(f);
        return findings;
    }

    /// <summary>A fresh login with a WRITE/READ round trip; a failure is a finding named after the batch it followed.</summary>
    public async Task ProbeAsync(FuzzPhase phase, long afterIndex, CancellationToken ct)
    {
        var round = Interlocked.Increment(ref _probes);
        string? failure;
        try
        {
            failure = await FuzzProbe.RoundTripAsync(Context.Target, round, ct).WaitAsync(Context.Guard * 3, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            failure = e.Message;
        }
        if (failure is not null) _findings.Enqueue(new FuzzFinding(Seed, phase, afterIndex, FindingKind.ProbeFailed, $"probe {round} after the cases before #{afterIndex}: {failure}"));
    }

    public void Add(FuzzFinding finding) => _findings.Enqueue(finding);
}
