using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Completers;

/// <summary>Completes partition names.</summary>
public sealed class PartitionNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r) => r.FromSystem(s => s.GetPartitions().Select(p => p.Name));
}

/// <summary>
/// Completes profile names of the partition given by -Partition, or by -Name on the partition
/// cmdlets (Start-VScsiPartition -Name vios1 -Profile), of every partition without either.
/// </summary>
public sealed class ProfileNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var partition = r.Partition ?? (r.ParameterName.Equals("Name", StringComparison.OrdinalIgnoreCase) ? null : r.Value("Name"));
        return r.FromSystem(s => s.GetProfiles(partition).Select(p => p.Name));
    }
}

/// <summary>
/// Completes adapter names of the partition given by -Partition: server adapters (vhostN) for
/// -ServerAdapter and the *-VScsiServerAdapter cmdlets, client adapters (vscsiN) for -Adapter and
/// the *-VScsiClientAdapter cmdlets, both elsewhere.
/// </summary>
public sealed class AdapterNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        AdapterKind? kind = r switch
        {
            _ when r.ParameterName.Equals("ServerAdapter", StringComparison.OrdinalIgnoreCase)
                || r.CommandName.EndsWith("ServerAdapter", StringComparison.OrdinalIgnoreCase) => AdapterKind.Server,
            _ when r.ParameterName.Equals("Adapter", StringComparison.OrdinalIgnoreCase)
                || r.CommandName.EndsWith("ClientAdapter", StringComparison.OrdinalIgnoreCase) => AdapterKind.Client,
            _ => null,
        };
        return r.FromSystem(s => s.GetAdapters(r.Partition, kind, r.Value("Profile")).Select(a => a.Name));
    }
}

/// <summary>
/// Completes virtual disk names of the partition given by -Partition; for the *-VScsiBackingDevice
/// cmdlets only backing devices (disks in a pool), of the pool given by -PoolName/-Pool when typed.
/// </summary>
public sealed class VirtualDiskNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var backing = r.CommandName.EndsWith("BackingDevice", StringComparison.OrdinalIgnoreCase);
        var pool = r.Value("PoolName") ?? r.Value("Pool");
        return r.FromSystem(s => s.GetVirtualDisks(r.Partition)
            .Where(d => !backing || (d.Pool is not null && (pool is null || string.Equals(d.Pool, pool, StringComparison.OrdinalIgnoreCase))))
            .Select(d => d.Name));
    }
}

/// <summary>Completes storage pool names of the partition given by -Partition.</summary>
public sealed class StoragePoolNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r) => r.FromSystem(s => s.GetStoragePools(r.Partition).Select(p => p.Name));
}

/// <summary>Completes virtual target device names (vtscsiN, vtoptN, vttapeN) of the partition given by -Partition, on -ServerAdapter's adapter when typed.</summary>
public sealed class TargetDeviceNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r) =>
        r.FromSystem(s => s.GetMappings(r.Partition, r.Value("ServerAdapter")).SelectMany(m => m.Devices).Select(d => d.Name));
}

/// <summary>Completes drive names (vtoptN, vttapeN) of the partition given by -Partition, or of every partition.</summary>
public sealed class DriveNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r) =>
        r.FromSystem(s => s.GetMappings(r.Partition).SelectMany(m => m.Devices).Where(d => d.Kind != TargetDeviceKind.Disk).Select(d => d.Name));
}

/// <summary>Completes media names: optical media and cartridges (for Mount-VScsiMedia, only what fits the drive named by -Device).</summary>
public sealed class MediaNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var device = r.Value("Device");
        MediaKind? kind = r.CommandName switch
        {
            var c when c.EndsWith("TapeCartridge", StringComparison.OrdinalIgnoreCase) => MediaKind.Tape,
            "Remove-VScsiMedia" => MediaKind.Optical,
            "Mount-VScsiMedia" when device is not null => device.StartsWith("vttape", StringComparison.OrdinalIgnoreCase) ? MediaKind.Tape : MediaKind.Optical,
            _ => null,
        };
        return r.FromSystem(s => s.GetMedia(r.Partition, kind).Select(m => m.Name));
    }
}

/// <summary>Completes backup ids of the partition given by -Partition, newest first in the tool tip.</summary>
public sealed class BackupIdCompleter : VScsiCompleter
{
    private Dictionary<string, string> _tips = new(StringComparer.OrdinalIgnoreCase);

    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var backups = r.FromSystem(s => s.GetBackups(r.Partition).Select(b => $"{b.Id}\t{b.Partition} {b.Type} {b.Created:u}")).ToList();
        _tips = backups.Select(b => b.Split('\t')).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        return _tips.Keys;
    }

    protected override string ToolTip(string name) => _tips.TryGetValue(name, out var tip) ? tip : name;
}

/// <summary>Completes the device names kept in the backup given by -Id (of every backup without it), as Restore-VScsiBackup -Device takes them.</summary>
public sealed class BackupDeviceNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var id = r.Value("Id");
        return r.FromSystem(s => s.GetBackups(r.Partition)
            .Where(b => id is null || string.Equals(b.Id.ToString(), id, StringComparison.OrdinalIgnoreCase))
            .SelectMany(b => b.Devices));
    }
}
