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

    /// <summary>Takes the oldest pending condition of <paramref name="nexus"/>, registering a new nexus first.</summary>
    public SenseReason? Take(string nexus)
    {
        lock (_gate)
        {
            var queue = Get(nexus);
            if (queue.Count == 0) return null;
            var reason = queue[0];
            queue.RemoveAt(0);
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
                if (nexus != except && !queue.Contains(reason)) queue.Add(reason);
            }
        }
    }

    /// <summary>Establishes a condition for one nexus.</summary>
    public void RaiseFor(string nexus, SenseReason reason)
    {
        lock (_gate)
        {
            var queue = Get(nexus);
            if (!queue.Contains(reason)) queue.Add(reason);
        }
    }

    /// <summary>Forgets a nexus (its session ended); it starts again with a power-on condition.</summary>
    public void Forget(string nexus)
    {
        lock (_gate) _pending.Remove(nexus);
    }

    private List<SenseReason> Get(string nexus)
    {
        if (!_pending.TryGetValue(nexus, out var queue))
            _pending[nexus] = queue = [SenseReason.PowerOnReset];
        return queue;
    }
}
