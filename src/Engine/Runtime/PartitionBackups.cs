using VScsi.Engine.Backup;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Runtime;

/// <summary>What Start-VScsiBackup asks for.</summary>
public sealed record PartitionBackupRequest(string Partition, string Destination, BackupType Type = BackupType.Full, bool Compress = false,
    bool IncludeMedia = false, bool IncludeTape = false);

/// <summary>
/// Backups of whole server partitions, tying the backup engine to the configuration and the
/// serving runtime: every virtual disk of the partition (and with it every client's data), its
/// media if asked, and its configuration export; online through the served stores' snapshots when
/// this process serves the partition, by the serving process (through its control endpoint) when
/// another one does, straight from the files when nobody does. Every archive is entered in the catalog.
/// </summary>
public static class PartitionBackups
{
    /// <summary>
    /// Takes the backup and enters it in the catalog. An incremental whose change tracking was lost
    /// (a crash, an image changed while untracked) becomes a full backup, said through <paramref name="warning"/>.
    /// </summary>
    public static async Task<BackupRecord> BackupAsync(ServingRegistry registry, string folder, PartitionBackupRequest request,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken, Action<string>? warning = null)
    {
        BackupRequest engineRequest;
        using (var system = ManagedSystem.Open(folder))
        {
            var p = system.GetPartition(request.Partition);
            if (p.Type == PartitionType.AixLinux)
                throw new ServingException("PartitionCannotServe", $"Partition '{p.Name}' is of type {p.Type}: it owns no storage; back up the server partitions that serve it.", p.Name);
            var served = registry.Find(folder, p.Id);
            if (served is null && IsServedElsewhere(folder, p.Id))   // that process holds the live disks: it takes the backup
                return await ControlClient.BackupAsync(folder, p.Id, request with { Partition = p.Name }, progress, cancellationToken, warning).ConfigureAwait(false);
            var live = served?.DiskStores ?? new Dictionary<string, TrackedBlockStore>();
            var devices = system.GetVirtualDisks(p.Name)
                .Select(d => new BackupDevice(d.Name, d.Path, d.BlockSize, live.GetValueOrDefault(d.Path))).ToList();
            foreach (var m in system.GetMedia(p.Name).Where(m => m.Kind == MediaKind.Optical ? request.IncludeMedia : request.IncludeTape))
                devices.Add(new BackupDevice($"{m.Kind.ToString().ToLowerInvariant()}.{m.Name}", m.Path, m.Kind == MediaKind.Optical ? ManagedSystem.OpticalSectorSize : 512));
            if (devices.Count == 0)
                throw new ServingException("NothingToBackUp", $"Partition '{p.Name}' has no virtual disks{(request.IncludeMedia || request.IncludeTape ? " or media" : "")} to back up.", p.Name);
            engineRequest = new BackupRequest(p.Name, devices, system.ExportConfiguration(p.Name).ToJson(), request.Destination, request.Type, request.Compress);
        }
        BackupResult result;
        try
        {
            result = await BackupEngine.BackupAsync(engineRequest, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (TrackingLostException e) when (engineRequest.Type == BackupType.Incremental)
        {
            warning?.Invoke($"{e.Message.TrimEnd('.')}. A full backup is taken instead.");
            result = await BackupEngine.BackupAsync(engineRequest with { Type = BackupType.Full }, progress, cancellationToken).ConfigureAwait(false);
        }
        using (var system = ManagedSystem.Open(folder))
            return system.RecordBackup(ToRecord(result, engineRequest.Partition));
    }

    /// <summary>The chain that ends with <paramref name="last"/>: its full backup first, then each incremental in order; missing links throw.</summary>
    public static IReadOnlyList<BackupRecord> ChainOf(IReadOnlyList<BackupRecord> catalog, BackupRecord last)
    {
        var chain = new List<BackupRecord> { last };
        while (chain[0].ParentId is Guid parent)
        {
            var found = catalog.FirstOrDefault(b => b.Id == parent)
                ?? throw new ServingException("BackupChainBroken", $"Backup {chain[0].Id} builds on {parent}, which is not in the catalog; rebuild it with Get-VScsiBackup -Path <folder>.", parent);
            chain.Insert(0, found);
        }
        return chain;
    }

    /// <summary>Reads the catalog entries of the archives found in a folder (Get-VScsiBackup -Path), from their headers, manifests and end markers.</summary>
    public static async Task<IReadOnlyList<BackupRecord>> ScanAsync(string folder, CancellationToken cancellationToken)
    {
        var records = new List<BackupRecord>();
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".tar", StringComparison.Ordinal) || f.EndsWith(".tar.zst", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var scan = (await BackupChain.VerifyAsync([file], null, cancellationToken).ConfigureAwait(false)).Archives[0];
            if (scan.Header is not { } h || scan.End is not { } end) continue;   // not a complete VScsi archive
            records.Add(new BackupRecord(h.BackupId, h.Partition, h.Type.ToString(), h.ParentId, file, h.Created, h.Devices.Select(d => d.Name).ToList(),
                h.Devices.Sum(d => d.Size), end.StoredBytes, new FileInfo(file).Length, TimeSpan.Zero, end.ArchiveXxh128));
        }
        return records;
    }

    private static BackupRecord ToRecord(BackupResult r, string partition) =>
        new(r.BackupId, partition, r.Type.ToString(), r.ParentId, r.Path, DateTimeOffset.UtcNow, r.Devices, r.LogicalBytes, r.StoredBytes, r.ArchiveBytes, r.Duration, r.ArchiveXxh128);

    /// <summary>Whether a live process holds the partition's serving lock (callers ask when this one does not serve it); a Running state left by a dead process does not count.</summary>
    public static bool IsServedElsewhere(string folder, int partitionId) => ServingLock.IsHeld(folder, partitionId);
}
