using VScsi.Engine.Storage;

namespace VScsi.Engine.Backup;

/// <summary>
/// An <see cref="IBlockStore"/> wrapper that a served disk uses when it can be backed up online:
/// every write and unmap marks the changed chunks in a <see cref="ChangedBlockTracker"/>, and while
/// a <see cref="StoreSnapshot"/> is active the first write to a chunk copies its old content aside
/// (copy-on-write) so the snapshot keeps reading the point in time. Reads pass straight through.
/// </summary>
public sealed class TrackedBlockStore : IBlockStore
{
    private readonly WriteGate _gate = new();
    private readonly object _snapshotSync = new();
    private readonly bool _ownsInner;
    private StoreSnapshot? _snapshot;

    public TrackedBlockStore(IBlockStore inner, ChangedBlockTracker tracker, bool ownsInner = true)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
        _ownsInner = ownsInner;
    }

    /// <summary>Wraps an image file with its tracking file <c>&lt;path&gt;.cbt</c> (created if missing: tracking starts lost).</summary>
    public static TrackedBlockStore Open(FileBlockStore inner, int chunkSize = ChangedBlockTracker.DefaultChunkSize) =>
        new(inner, ChangedBlockTracker.Open(inner.Path, checked((long)inner.BlockCount * inner.BlockSize), chunkSize));

    public IBlockStore Inner { get; }
    public ChangedBlockTracker Tracker { get; }
    public int BlockSize => Inner.BlockSize;
    public ulong BlockCount => Inner.BlockCount;
    public bool IsReadOnly => Inner.IsReadOnly;
    public bool IsThin => Inner.IsThin;
    public long SizeBytes => checked((long)Inner.BlockCount * Inner.BlockSize);

    public void Grow(ulong blockCount)
    {
        Inner.Grow(blockCount);
        Tracker.Grow(checked((long)blockCount * BlockSize));
    }

    public ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken) =>
        Inner.ReadAsync(lba, destination, cancellationToken);

    public async ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var offset = checked((long)lba * BlockSize);
            if (Volatile.Read(ref _snapshot) is { } snapshot)
                await snapshot.PreserveAsync(offset, source.Length, cancellationToken).ConfigureAwait(false);
            Tracker.Mark(offset, source.Length);
            await Inner.WriteAsync(lba, source, forceUnitAccess, cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Exit(); }
    }

    public async ValueTask UnmapAsync(ulong lba, ulong blocks, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var offset = checked((long)lba * BlockSize);
            var length = checked((long)blocks * BlockSize);
            if (Volatile.Read(ref _snapshot) is { } snapshot)
                await snapshot.PreserveAsync(offset, length, cancellationToken).ConfigureAwait(false);
            Tracker.Mark(offset, length);
            await Inner.UnmapAsync(lba, blocks, cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Exit(); }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

    public (bool Mapped, ulong Blocks) GetMapping(ulong lba) => Inner.GetMapping(lba);

    /// <summary>Takes a point-in-time snapshot of this store alone (a <see cref="SnapshotSet"/> of one).</summary>
    public Task<SnapshotSet> BeginSnapshotAsync(string? cowFolder, CancellationToken cancellationToken) =>
        SnapshotSet.CreateAsync([this], cowFolder, cancellationToken);

    internal Task PauseWritesAsync() => _gate.PauseAsync();

    internal void ResumeWrites() => _gate.Resume();

    /// <summary>Starts a snapshot; call only while writes are paused, so the extent map and changed set match one instant.</summary>
    internal StoreSnapshot BeginSnapshotWhilePaused(string cowFolder)
    {
        lock (_snapshotSync)
        {
            if (_snapshot is not null) throw new InvalidOperationException("A snapshot of this store is already active.");
            var snapshot = new StoreSnapshot(this, cowFolder, Tracker.ChunkSize, Tracker.Capture());
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
    }

    /// <summary>Stops copy-on-write: pauses writes so none is half way through preserving into the COW file.</summary>
    internal async Task EndSnapshotAsync(StoreSnapshot snapshot)
    {
        await _gate.PauseAsync().ConfigureAwait(false);
        try
        {
            lock (_snapshotSync)
                if (ReferenceEquals(_snapshot, snapshot)) Volatile.Write(ref _snapshot, null);
        }
        finally { _gate.Resume(); }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _snapshot) is { } snapshot) await snapshot.DisposeAsync().ConfigureAwait(false);
        if (_ownsInner) await Inner.DisposeAsync().ConfigureAwait(false);
        Tracker.Dispose();
    }
}
