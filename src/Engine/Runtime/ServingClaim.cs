using VScsi.Engine.Configuration;

namespace VScsi.Engine.Runtime;

/// <summary>
/// The first step of serving a Vios/IbmI partition: take its <see cref="ServingLock"/>, and when the
/// configuration still says a process serves it although none holds the lock (that process was
/// killed, crashed or lost power), clear what it left (the Running state, its iSCSI portal record,
/// its control socket) and say so. This is what lets a service manager restart a server unattended.
/// </summary>
public sealed class ServingClaim : IDisposable
{
    private ServingLock? _lock;

    private ServingClaim(Partition partition, ServingLock? held, IReadOnlyList<string> cleared)
    {
        Partition = partition;
        _lock = held;
        Cleared = cleared;
    }

    /// <summary>The partition as it is after the stale state was cleared.</summary>
    public Partition Partition { get; }

    /// <summary>What was left behind by a dead serving process and has been cleared (empty when nothing was).</summary>
    public IReadOnlyList<string> Cleared { get; }

    /// <summary>
    /// Claims <paramref name="partition"/> for serving by this process. AixLinux partitions are not
    /// served by a process, so nothing is locked or cleared for them. A live holder of the lock (another
    /// process, or this one) is <see cref="ConfigurationError.PartitionRunning"/>. Each item cleared is
    /// reported through <paramref name="warning"/> in one message.
    /// </summary>
    public static ServingClaim Take(string folder, string partition, Action<string>? warning = null)
    {
        Partition p;
        using (var system = ManagedSystem.Open(folder))
            p = system.GetPartition(partition);
        if (p.Type == PartitionType.AixLinux) return new ServingClaim(p, null, []);
        var held = ServingLock.TryAcquire(folder, p.Id)
            ?? throw new ConfigurationException(ConfigurationError.PartitionRunning,
                $"Partition '{p.Name}' is served by a running process (it holds {ServingLock.PathOf(folder, p.Id)}). Stop it there (Ctrl+C, SIGTERM, systemctl stop) or with Stop-VScsiPartition in that session.", p.Name);
        try
        {
            var (after, cleared) = ClearStale(folder, p);
            if (cleared.Count > 0)
                warning?.Invoke($"Partition '{p.Name}' was left behind by a serving process that is gone (no process holds {held.Path}); cleared {string.Join(", ", cleared)}.");
            return new ServingClaim(after, held, cleared);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Hands the lock over to whoever serves now (it is theirs to release); null for an AixLinux partition.</summary>
    internal ServingLock? Release()
    {
        var held = _lock;
        _lock = null;
        return held;
    }

    /// <summary>Releases the lock if it was not handed over (the start was refused or cancelled).</summary>
    public void Dispose() => Release()?.Dispose();

    /// <summary>With the lock held, nothing serves the partition: whatever says otherwise is stale.</summary>
    private static (Partition After, List<string> Cleared) ClearStale(string folder, Partition p)
    {
        var cleared = new List<string>();
        var after = p;
        using (var system = ManagedSystem.Open(folder))
        {
            if (system.ClearPortal(p.Id) is { } portal)
                cleared.Add($"the iSCSI portal record {portal}");
            if (p.State == PartitionState.Running)
            {
                after = system.Deactivate(p.Name);
                cleared.Add($"the Running state (profile '{p.RunningProfile}')");
            }
        }
        var socket = ControlEndpoint.PathOf(folder, p.Id);
        if (File.Exists(socket))
        {
            File.Delete(socket);
            cleared.Add($"the control socket {socket}");
        }
        return (after, cleared);
    }
}
