namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// Serializes overlapping block ranges so no command sees another half done: readers share a
/// range, a writer (WRITE, WRITE SAME, UNMAP, COMPARE AND WRITE) holds it alone. Disjoint ranges
/// proceed in parallel.
/// </summary>
public sealed class RangeLock
{
    private readonly List<(ulong Start, ulong End, bool Exclusive)> _held = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly object _gate = new();

    public async ValueTask<IDisposable> AcquireAsync(ulong lba, ulong blocks, bool exclusive, CancellationToken cancellationToken)
    {
        var range = (Start: lba, End: lba + Math.Max(blocks, 1), Exclusive: exclusive);
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                if (!Overlaps(range.Start, range.End, exclusive))
                {
                    _held.Add(range);
                    return new Release(this, range);
                }
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(waiter);
            }
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool Overlaps(ulong start, ulong end, bool exclusive)
    {
        foreach (var h in _held)
        {
            if (h.Start < end && start < h.End && (h.Exclusive || exclusive)) return true;
        }
        return false;
    }

    private void Free((ulong, ulong, bool) range)
    {
        TaskCompletionSource[] wake;
        lock (_gate)
        {
            _held.Remove(range);
            if (_waiters.Count == 0) return;
            wake = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var w in wake) w.TrySetResult();
    }

    private sealed class Release(RangeLock owner, (ulong, ulong, bool) range) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) owner.Free(range);
        }
    }
}
