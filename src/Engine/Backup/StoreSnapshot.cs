using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace VScsi.Engine.Backup;

/// <summary>
/// A point-in-time view of a <see cref="TrackedBlockStore"/>: chunks written after the snapshot
/// point are copied, before the write, into a temporary copy-on-write file (deleted on dispose);
/// <see cref="ReadAsync"/> serves them from there and everything else from the live store. The
/// changed set is captured at the snapshot point; the extent map (data vs holes) is worked out
/// afterwards, outside the writers' pause, from the live store corrected by what copy-on-write
/// preserved (a chunk that was a hole is recorded as such, not copied). If the COW file cannot grow
/// (a full disk) the snapshot is invalidated rather than failing client writes.
/// </summary>
public sealed class StoreSnapshot : IAsyncDisposable
{
    private const int StripeCount = 64;
    private const long HoleSlot = -1;                    // a preserved chunk that was a hole: nothing copied, it reads as zeros

    private readonly TrackedBlockStore _store;
    private readonly SafeFileHandle _cow;
    private readonly ConcurrentDictionary<long, long> _preserved = new();
    private readonly SemaphoreSlim[] _stripes;
    private readonly int _chunkSize;
    private long _nextSlot;
    private Exception? _failure;
    private bool _committed;
    private int _disposed;

    internal StoreSnapshot(TrackedBlockStore store, string cowFolder, int chunkSize, CbtCapture changes)
    {
        _store = store;
        _chunkSize = chunkSize;
        BlockSize = store.BlockSize;
        Size = store.SizeBytes;
        Changes = changes;
        CowPath = Path.Combine(cowFolder, $".vscsi-cow-{Guid.NewGuid():N}.tmp");
        _cow = File.OpenHandle(CowPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        _stripes = new SemaphoreSlim[StripeCount];
        for (var i = 0; i < StripeCount; i++) _stripes[i] = new SemaphoreSlim(1, 1);
    }

    public long Size { get; }
    public int BlockSize { get; }
    public string CowPath { get; }

    /// <summary>
    /// The data extents at the snapshot point inside sorted, disjoint <paramref name="ranges"/>: the
    /// live store's map of them, then every chunk copy-on-write preserved set back to what it was.
    /// The live map is read first: a write changes the live map only after its chunk is preserved.
    /// </summary>
    public List<ByteRange> DataWithin(IReadOnlyList<ByteRange> ranges)
    {
        var live = new List<ByteRange>();
        foreach (var r in ranges)
        {
            var end = Math.Min(r.End, Size);
            for (var lba = (ulong)(r.Offset / BlockSize); (long)lba * BlockSize < end;)
            {
                var (mapped, blocks) = _store.Inner.GetMapping(lba);
                blocks = Math.Max(1, Math.Min(blocks, (ulong)((end - (long)lba * BlockSize + BlockSize - 1) / BlockSize)));
                var from = Math.Max((long)lba * BlockSize, r.Offset);
                var to = Math.Min((long)(lba + blocks) * BlockSize, end);
                if (mapped && to > from)
                {
                    if (live.Count > 0 && live[^1].End >= from) live[^1] = new ByteRange(live[^1].Offset, Math.Max(live[^1].End, to) - live[^1].Offset);
                    else live.Add(new ByteRange(from, to - from));
                }
                lba += blocks;
            }
        }
        var holes = new List<ByteRange>();
        var data = new List<ByteRange>();
        foreach (var (chunk, slot) in _preserved.OrderBy(p => p.Key))
        {
            var start = chunk * _chunkSize;
            (slot == HoleSlot ? holes : data).Add(new ByteRange(start, Math.Min(_chunkSize, Size - start)));
        }
        return ByteRange.Union(ByteRange.Subtract(live, holes), ByteRange.Intersect(ByteRange.Union(data, []), ranges));
    }

    /// <summary>The changes since the previous backup, captured at the snapshot point.</summary>
    public CbtCapture Changes { get; }

    /// <summary>How many chunks were preserved so far (copy-on-write traffic).</summary>
    public long PreservedChunks => Interlocked.Read(ref _nextSlot);

    /// <summary>Records the backup that holds this snapshot: the next incremental counts from it.</summary>
    public void CommitChanges(Guid backupId)
    {
        Changes.Commit(backupId);
        _committed = true;
    }

    /// <summary>Reads the snapshot's content at a block-aligned <paramref name="offset"/>; throws if the snapshot was invalidated.</summary>
    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (destination.Length == 0) return;
        var first = offset / _chunkSize;
        var last = (offset + destination.Length - 1) / _chunkSize;
        var stripes = new SortedSet<int>();
        for (var c = first; c <= last && stripes.Count < StripeCount; c++) stripes.Add((int)(c % StripeCount));
        var held = new List<SemaphoreSlim>(stripes.Count);
        try
        {
            foreach (var s in stripes)
            {
                await _stripes[s].WaitAsync(cancellationToken).ConfigureAwait(false);
                held.Add(_stripes[s]);
            }
            await _store.Inner.ReadAsync((ulong)(offset / BlockSize), destination, cancellationToken).ConfigureAwait(false);
            for (var c = first; c <= last; c++)
            {
                if (!_preserved.TryGetValue(c, out var slot)) continue;
                var chunkStart = c * _chunkSize;
                var from = Math.Max(chunkStart, offset);
                var to = Math.Min(chunkStart + _chunkSize, offset + destination.Length);
                var part = destination.Slice((int)(from - offset), (int)(to - from));
                if (slot == HoleSlot) part.Span.Clear();
                else await ReadFullyAsync(_cow, part, slot * _chunkSize + (from - chunkStart), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var s in held) s.Release();
        }
        ThrowIfFailed();
    }

    /// <summary>Copies the not yet preserved chunks of [offset, offset+length) aside before a write changes them.</summary>
    internal async ValueTask PreserveAsync(long offset, long length, CancellationToken cancellationToken)
    {
        if (length <= 0 || Volatile.Read(ref _failure) is not null || offset >= Size) return;
        var last = (Math.Min(offset + length, Size) - 1) / _chunkSize;
        for (var c = offset / _chunkSize; c <= last; c++)
        {
            if (_preserved.ContainsKey(c)) continue;
            var stripe = _stripes[c % StripeCount];
            await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_preserved.ContainsKey(c) && Volatile.Read(ref _failure) is null)
                    await PreserveChunkAsync(c, cancellationToken).ConfigureAwait(false);
            }
            finally { stripe.Release(); }
        }
    }

    private async ValueTask PreserveChunkAsync(long chunk, CancellationToken cancellationToken)
    {
        var start = chunk * _chunkSize;
        var length = (int)Math.Min(_chunkSize, Size - start);
        if (!IsMapped(start, length))
        {
            _preserved[chunk] = HoleSlot;
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await _store.Inner.ReadAsync((ulong)(start / BlockSize), buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            var slot = Interlocked.Increment(ref _nextSlot) - 1;
            await RandomAccess.WriteAsync(_cow, buffer.AsMemory(0, length), slot * _chunkSize, cancellationToken).ConfigureAwait(false);
            _preserved[chunk] = slot;
        }
        catch (IOException e)
        {
            // A full disk under the COW file must not fail the client's write: the backup fails instead.
            Interlocked.CompareExchange(ref _failure, new IOException($"The snapshot was invalidated: its copy-on-write file {CowPath} could not be written: {e.Message}", e), null);
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure) throw new IOException(failure.Message, failure);
    }

    private static async ValueTask ReadFullyAsync(SafeFileHandle handle, Memory<byte> destination, long offset, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new IOException($"The copy-on-write file ended early at {offset + done}.");
            done += n;
        }
    }

    /// <summary>Whether any block of [start, start+length) holds data in the live store.</summary>
    private bool IsMapped(long start, int length)
    {
        for (var lba = (ulong)(start / BlockSize); (long)lba * BlockSize < start + length;)
        {
            var (mapped, blocks) = _store.Inner.GetMapping(lba);
            if (mapped) return true;
            lba += Math.Max(1, blocks);
        }
        return false;
    }

    /// <summary>Ends copy-on-write and deletes the COW file; uncommitted changes go back to the tracker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _store.EndSnapshotAsync(this).ConfigureAwait(false);
        if (!_committed) Changes.Abandon();
        _cow.Dispose();
        foreach (var s in _stripes) s.Dispose();
    }
}
