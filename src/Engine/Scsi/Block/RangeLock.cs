namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// Serializes overlapping block ranges so no command sees another half done: readers share a
/// range, a writer (WRITE, WRITE SAME, UNMAP, COMPARE AND WRITE) holds it alone. Disjoint ranges
/// proceed in parallel. While no writer holds or waits for a range, readers are only counted, not
/// registered (SBC-4 does not order reads against each other); a writer that arrives waits until
/// those counted readers are done and sends later readers through the registered path.
/// </summary>
public sealed class RangeLock
{
    private readonly List<(ulong Start, ulong End, bool Exclusive)> _held = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly object _gate = new();
    private int _shared;    // readers admitted without a registered range
    private int _exclusive; // writers holding or waiting for a range

    /// <summary>Holds the range until the returned lease is disposed (once).</summary>
    public ValueTask<Lease> AcquireAsync(ulong lba, ulong blocks, bool exclusive, CancellationToken cancellationToken)
    {
        if (!exclusive && Volatile.Read(ref _exclusive) == 0)
        {
            // A reader counts itself before it looks for writers, a writer counts itself before it
            // looks for readers (both with full fences), so at least one of them sees the other.
            Interlocked.Increment(ref _shared);
            if (Volatile.Read(ref _exclusive) == 0) return new ValueTask<Lease>(new Lease(this, null));
            LeaveShared();
        }
        return AcquireRegisteredAsync(lba, blocks, exclusive, cancellationToken);
    }

    private async ValueTask<Lease> AcquireRegisteredAsync(ulong lba, ulong blocks, bool exclusive, CancellationToken cancellationToken)
    {
        var range = (Start: lba, End: lba + Math.Max(blocks, 1), Exclusive: exclusive);
        if (exclusive) Interlocked.Increment(ref _exclusive);
        try
        {
            while (true)
            {
                TaskCompletionSource waiter;
                lock (_gate)
                {
                    if (!Overlaps(range.Start, range.End, exclusive))
                    {
                        _held.Add(range);
                        return new Lease(this, new Release(this, range));
                    }
                    waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiters.Add(waiter);
                }
                await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch when (exclusive)
        {
            Interlocked.Decrement(ref _exclusive); // cancelled while waiting
            throw;
        }
    }

    /// <summary>Called under the lock.</summary>
    private bool Overlaps(ulong start, ulong end, bool exclusive)
    {
        if (exclusive && Volatile.Read(ref _shared) > 0) return true; // counted readers may touch any range
        foreach (var h in _held)
        {
            if (h.Start < end && start < h.End && (h.Exclusive || exclusive)) return true;
        }
        return false;
    }

    private void LeaveShared()
    {
        if (Interlocked.Decrement(ref _shared) == 0 && Volatile.Read(ref _exclusive) > 0) Wake(null);
    }

    private void Wake((ulong, ulong, bool Exclusive)? freed)
    {
        TaskCompletionSource[] wake;
        lock (_gate)
        {
            if (freed is { } range)
            {
                _held.Remove(range);
                if (range.Exclusive) Interlocked.Decrement(ref _exclusive);
            }
            if (_waiters.Count == 0) return;
            wake = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var w in wake) w.TrySetResult();
    }

    /// <summary>A held range: a counted reader (no registration) or a registered range.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly RangeLock? _owner;
        private readonly Release? _registered;

        internal Lease(RangeLock owner, Release? registered) => (_owner, _registered) = (owner, registered);

        public void Dispose()
        {
            if (_registered is not null) _registered.Dispose();
            else _owner?.LeaveShared();
        }
    }

    internal sealed class Release(RangeLock owner, (ulong, ulong, bool) range)
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) owner.Wake(range);
        }
    }
}
