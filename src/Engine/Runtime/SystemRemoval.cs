using VScsi.Engine.Configuration;

namespace VScsi.Engine.Runtime;

/// <summary>
/// Removing a whole managed system (Remove-VScsiSystem, issue 11 item 8): only a folder that holds a
/// VScsi system is touched; a partition another process serves (it holds the partition's
/// <see cref="ServingLock"/>) refuses the removal before anything changes; what this process serves
/// from the system is stopped first, and the serving locks are held while the files go, so no
/// process can start serving the system half-way through.
/// </summary>
public static class SystemRemoval
{
    /// <summary>Removes the system in <paramref name="folder"/>; returns what was left in the folder (files VScsi did not make).</summary>
    public static async Task<IReadOnlyList<string>> RemoveAsync(ServingRegistry registry, string folder)
    {
        var full = Path.GetFullPath(folder);
        IReadOnlyList<Partition> partitions;
        using (var system = ManagedSystem.OpenExisting(full))
            partitions = system.GetPartitions();
        var ours = registry.ServedFrom(full).ToHashSet();
        if (partitions.FirstOrDefault(p => !ours.Contains(p.Id) && ServingLock.IsHeld(full, p.Id)) is { } elsewhere)
            throw Served(full, elsewhere);
        await registry.StopSystemAsync(full).ConfigureAwait(false);
        var locks = new List<ServingLock>();
        try
        {
            foreach (var p in partitions.Where(p => p.Type != PartitionType.AixLinux))
                locks.Add(ServingLock.TryAcquire(full, p.Id) ?? throw Served(full, p));
        }
        catch
        {
            Release(locks);
            throw;
        }
        try
        {
            // Unix deletes a locked file; Windows needs the handles closed before the lock files go.
            if (OperatingSystem.IsWindows()) Release(locks);
            return ManagedSystem.Delete(full);
        }
        finally
        {
            Release(locks);
        }
    }

    private static void Release(List<ServingLock> locks)
    {
        foreach (var held in locks) held.Dispose();
        locks.Clear();
    }

    private static ServingException Served(string folder, Partition p) =>
        new("SystemServedElsewhere",
            $"Partition '{p.Name}' of the system in '{folder}' is served by another process (it holds {ServingLock.PathOf(folder, p.Id)}). Stop it there first; nothing was removed.", folder);
}
