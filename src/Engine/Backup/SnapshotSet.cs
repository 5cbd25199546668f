namespace VScsi.Engine.Backup;

/// <summary>
/// Crash-consistent snapshots of several stores at one instant: new writes are held back on all
/// stores, the in-flight ones drain, every store starts its snapshot (extent map, changed set,
/// copy-on-write), then writes go on. Clients wait only for that pause, not for the backup.
/// </summary>
public sealed class SnapshotSet : IAsyncDisposable
{
    private SnapshotSet(IReadOnlyList<StoreSnapshot> snapshots, DateTimeOffset pointInTime, TimeSpan pause)
    {
        Snapshots = snapshots;
        PointInTime = pointInTime;
        PauseDuration = pause;
    }

    /// <summary>One snapshot per store, in the order the stores were given.</summary>
    public IReadOnlyList<StoreSnapshot> Snapshots { get; }
    public DateTimeOffset PointInTime { get; }

    /// <summary>How long writes were held back.</summary>
    public TimeSpan PauseDuration { get; }

    /// <summary>Snapshots <paramref name="stores"/> together; COW files go to <paramref name="cowFolder"/> (the temp folder when null).</summary>
    public static async Task<SnapshotSet> CreateAsync(IReadOnlyList<TrackedBlockStore> stores, string? cowFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (stores.Distinct().Count() != stores.Count) throw new ArgumentException("A store appears twice.", nameof(stores));
        cowFolder ??= Path.GetTempPath();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var paused = new List<TrackedBlockStore>();
        var snapshots = new List<StoreSnapshot>();
        DateTimeOffset point;
        try
        {
            var drains = new List<Task>();
            foreach (var store in stores)
            {
                drains.Add(store.PauseWritesAsync());
                paused.Add(store);
            }
            await Task.WhenAll(drains).WaitAsync(cancellationToken).ConfigureAwait(false);
            point = DateTimeOffset.UtcNow;
            foreach (var store in stores) snapshots.Add(store.BeginSnapshotWhilePaused(cowFolder));
        }
        catch
        {
            foreach (var store in paused) store.ResumeWrites();
            foreach (var s in snapshots) await s.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        foreach (var store in paused) store.ResumeWrites();
        return new SnapshotSet(snapshots, point, started.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Snapshots) await s.DisposeAsync().ConfigureAwait(false);
    }
}
