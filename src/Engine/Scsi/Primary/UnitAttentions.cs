using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>
/// Pending unit attention conditions per I_T nexus (SPC-5 5.14). A nexus seen for the first time
/// starts with POWER ON, RESET OR BUS DEVICE RESET OCCURRED. A condition is reported once, by the
/// next command other than INQUIRY, REPORT LUNS or REQUEST SENSE (which returns it as its data).
/// </summary>
public sealed class UnitAttentions
{
    private readonly Dictionary<string, List<SenseReason>> _pending = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private int _pendingCount; // conditions pending over all nexuses

    /// <summary>Takes the oldest pending condition of <paramref name="nexus"/>, registering a new nexus first.</summary>
    public SenseReason? Take(string nexus)
    {
        if (Volatile.Read(ref _pendingCount) == 0 && _known.ContainsKey(nexus)) return null; // the common case, without the lock
        lock (_gate)
        {
            var queue = Get(nexus);
            if (queue.Count == 0) return null;
            var reason = queue[0];
            queue.RemoveAt(0);
            _pendingCount--;
            return reason;
        }
    }

    /// <summary>Establishes a condition for every known nexus except <paramref name="except"/> (the one that caused it).</summary>
    public void Raise(SenseReason reason, string? except = null)
    {
        lock (_gate)
        {
            foreach (var (nexus, queue) in _pending)
            {
                if (nexus != except && !queue.Contains(reason)) Add(queue, reason);
            }
        }
    }

    /// <summary>Establishes a condition for one nexus.</summary>
    public void RaiseFor(string nexus, SenseReason reason)
    {
        lock (_gate)
        {
            var queue = Get(nexus);
            if (!queue.Contains(reason)) Add(queue, reason);
        }
    }

    /// <summary>Forgets a nexus (its session ended); it starts again with a power-on condition.</summary>
    public void Forget(string nexus)
    {
        lock (_gate)
        {
            if (_pending.Remove(nexus, out var queue)) _pendingCount -= queue.Count;
            _known.TryRemove(nexus, out _);
        }
    }

    private void Add(List<SenseReason> queue, SenseReason reason)
    {
        queue.Add(reason);
        _pendingCount++;
    }

    private List<SenseReason> Get(string nexus)
    {
        if (!_pending.TryGetValue(nexus, out var queue))
        {
            _pending[nexus] = queue = [];
            Add(queue, SenseReason.PowerOnReset);
            _known[nexus] = true;
        }
        return queue;
    }
}
