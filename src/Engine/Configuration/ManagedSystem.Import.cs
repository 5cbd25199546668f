using System.Text.Json;
using System.Text.Json.Serialization;

namespace VScsi.Engine.Configuration;

/// <summary>What importing one item of a configuration export did (or, when validating, would do).</summary>
public enum ImportOutcome { Created, Exists, Error }

/// <summary>One line of an import report: the item ("partition lpar2", "virtual disk lpar2_root"...), its outcome and why.</summary>
public sealed record ImportFinding(ImportOutcome Outcome, string Item, string Message);

public sealed partial class ManagedSystem
{
    private static readonly JsonSerializerOptions ImportJson = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Reads an export written by <see cref="ConfigurationExport.ToJson"/>; anything else is InvalidImport.</summary>
    public static ConfigurationExport ParseExport(byte[] json)
    {
        ConfigurationExport? export;
        try
        {
            export = JsonSerializer.Deserialize<ConfigurationExport>(json, ImportJson);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException(ConfigurationError.InvalidImport, $"The file is not a VScsi configuration export: {e.Message}", null, e);
        }
        if (export is null || export.FormatVersion != ConfigurationExport.CurrentFormatVersion || export.Partitions is null)
            throw new ConfigurationException(ConfigurationError.InvalidImport, $"The file is not a VScsi configuration export of format {ConfigurationExport.CurrentFormatVersion}.", null);
        return export;
    }

    /// <summary>
    /// Checks an import without changing anything: it is applied to a copy of the database in a
    /// temporary folder (every rule runs as it would for real) and the copy is thrown away.
    /// </summary>
    public IReadOnlyList<ImportFinding> ValidateImport(ConfigurationExport export)
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vscsi-import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            _db.CopyTo(System.IO.Path.Combine(folder, SystemDatabase.FileName));
            var made = new List<string>();
            try
            {
                using var copy = Open(folder);
                return copy.Import(export, made);
            }
            finally
            {
                // Pool and repository folders the trial created go again (deepest first, only if still empty).
                foreach (var d in made.OrderByDescending(d => d.Length).Where(d => Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any()))
                    Directory.Delete(d);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Adds what an export holds and this system lacks (the viosbr -restore idea): partitions,
    /// profiles and their adapters, iSCSI names and queue depths, pools, virtual disks (their files
    /// must exist; unit ids are kept, so clients see the same NAA identifiers), target devices in
    /// LUN order, media repositories, media and what each drive holds. What exists alike is left
    /// alone; what exists differently is an error. Validate first: items are applied one by one.
    /// </summary>
    public IReadOnlyList<ImportFinding> ImportConfiguration(ConfigurationExport export) => Import(export, null);

    /// <summary>Applies an export; folders it creates are added to <paramref name="made"/> when given (a trial run).</summary>
    private List<ImportFinding> Import(ConfigurationExport export, List<string>? made)
    {
        var findings = new List<ImportFinding>();
        void Step(string item, Func<bool> apply)
        {
            try
            {
                findings.Add(apply() ? new(ImportOutcome.Created, item, "created") : new(ImportOutcome.Exists, item, "already there, the same"));
            }
            catch (ConfigurationException e)
            {
                findings.Add(new(ImportOutcome.Error, item, e.Message));
            }
        }
        var created = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in export.Partitions.OrderBy(p => p.Id))
            Step($"partition {p.Name}", () => ImportPartition(p, created));
        foreach (var profile in export.Profiles)
            Step($"profile {profile.PartitionName}/{profile.Name}", () => ImportProfile(profile, created.Contains(profile.PartitionName)));
        foreach (var a in export.Adapters)
            if (a.Iscsi.NameOverridden || a.Iscsi.QueueDepth != IscsiAdapterSettings.Default.QueueDepth)
                Step($"iSCSI settings of {a.PartitionName}/{a.Name}", () =>
                {
                    var current = GetAdapters(a.PartitionName).FirstOrDefault(x => x.Definition.Slot == a.Definition.Slot);
                    if (current is not null && current.Iscsi.Name == a.Iscsi.Name && current.Iscsi.QueueDepth == a.Iscsi.QueueDepth) return false;
                    SetIscsiSettings(a.PartitionName, a.Name, a.Iscsi.NameOverridden ? a.Iscsi.Name : null, a.Definition.Kind == AdapterKind.Client ? a.Iscsi.QueueDepth : null);
                    return true;
                });
        foreach (var pool in export.StoragePools)
            Step($"storage pool {pool.Name}", () =>
            {
                if (GetStoragePools().FirstOrDefault(x => string.Equals(x.Name, pool.Name, StringComparison.OrdinalIgnoreCase)) is { } existing)
                    return existing.Path == pool.Path ? false : throw Conflict($"storage pool '{pool.Name}' exists at {existing.Path}, the export has {pool.Path}", pool.Name);
                made?.AddRange(Missing(pool.Path));
                CreateStoragePool(pool.PartitionName, pool.Name, pool.Path, pool.SizeBytes);
                return true;
            });
        foreach (var disk in export.VirtualDisks)
            Step($"virtual disk {disk.Name}", () => RegisterDisk(disk));
        foreach (var repository in export.MediaRepositories)
            Step($"media repository of {repository.PartitionName}", () =>
            {
                if (GetMediaRepositories(repository.PartitionName).FirstOrDefault() is { } existing)
                    return existing.Path == repository.Path ? false : throw Conflict($"the repository of '{repository.PartitionName}' is {existing.Path}, the export has {repository.Path}", repository.PartitionName);
                made?.AddRange(Missing(repository.Path));
                CreateMediaRepository(repository.PartitionName, repository.Path, repository.SizeBytes);
                return true;
            });
        foreach (var media in export.Media)
            Step($"{media.Kind.ToString().ToLowerInvariant()} medium {media.Name}", () => RegisterMedia(media));
        foreach (var mapping in export.Mappings)
            foreach (var device in mapping.Devices.OrderBy(d => d.Lun))
                Step($"target device {device.PartitionName}/{device.Name}", () => ImportDevice(mapping, device));
        return findings;
    }

    /// <summary>Creates a missing partition, with its id when that is free; one of that name must be of the same type.</summary>
    private bool ImportPartition(Partition p, HashSet<string> created)
    {
        if (GetPartitions().FirstOrDefault(x => string.Equals(x.Name, p.Name, StringComparison.OrdinalIgnoreCase)) is { } existing)
            return existing.Type == p.Type ? false : throw Conflict($"partition '{p.Name}' exists as {existing.Type}, the export has {p.Type}", p.Name);
        var id = GetPartitions().Any(x => x.Id == p.Id) ? (int?)null : p.Id;
        CreatePartition(p.Name, p.Type, id, p.MaxVirtualSlots, p.DefaultProfile);
        created.Add(p.Name);
        return true;
    }

    private bool ImportProfile(PartitionProfile profile, bool partitionIsNew)
    {
        var existing = GetProfiles(profile.PartitionName).FirstOrDefault(x => string.Equals(x.Name, profile.Name, StringComparison.OrdinalIgnoreCase));
        if (existing is not null && existing.VirtualScsiAdapters == profile.VirtualScsiAdapters && existing.MaxVirtualSlots == profile.MaxVirtualSlots) return false;
        if (existing is null)
        {
            CreateProfile(profile.PartitionName, profile.Name, profile.VirtualScsiAdapters, profile.MaxVirtualSlots, profile.IsDefault);
            return true;
        }
        if (!partitionIsNew || existing.Adapters.Count > 0)
            throw Conflict($"profile '{profile.Name}' of '{profile.PartitionName}' has other adapters ({existing.VirtualScsiAdapters}) than the export ({profile.VirtualScsiAdapters})", profile.Name);
        UpdateProfile(profile.PartitionName, profile.Name, profile.VirtualScsiAdapters, profile.MaxVirtualSlots);   // the new partition's empty default profile
        return true;
    }

    /// <summary>Registers an exported virtual disk with its unit id and serial; its file must exist.</summary>
    private bool RegisterDisk(VirtualDisk disk) => Write((c, s) =>
    {
        var disks = LoadDisks(c);
        if (disks.Find(d => string.Equals(d.Name, disk.Name, StringComparison.OrdinalIgnoreCase)) is { } existing)
            return existing.Path == disk.Path && existing.UnitId == disk.UnitId ? false
                : throw Conflict($"virtual disk '{disk.Name}' exists at {existing.Path}, the export has {disk.Path}", disk.Name);
        if (!File.Exists(disk.Path))
            throw new ConfigurationException(ConfigurationError.VirtualDiskFileError, $"'{disk.Path}' of virtual disk '{disk.Name}' does not exist; restore it first (Restore-VScsiBackup).", disk.Path);
        var p = s.RequirePartition(disk.PartitionName);
        var pool = disk.Pool is null ? null : RequirePool(c, disk.Pool);
        Exec(c, "INSERT INTO virtual_disk (partition_id, name, path, block_size, created, shareable, unit_id, serial, pool_id) VALUES ($p, $n, $path, $b, $c, $s, $u, $serial, $pool)",
            ("$p", p.Id), ("$n", disk.Name), ("$path", disk.Path), ("$b", disk.BlockSize), ("$c", disk.CreatedByVScsi ? 1 : 0), ("$s", disk.Shareable ? 1 : 0),
            ("$u", disk.UnitId.ToString()), ("$serial", disk.Serial), ("$pool", pool is null ? DBNull.Value : pool.Id));
        return true;
    });

    /// <summary>Registers an exported medium in its partition's repository; its file must exist.</summary>
    private bool RegisterMedia(VirtualMedia media) => Write((c, s) =>
    {
        if (LoadMediaRows(c).Find(m => string.Equals(m.Name, media.Name, StringComparison.OrdinalIgnoreCase)) is { } existing)
            return existing.Path == media.Path ? false : throw Conflict($"medium '{media.Name}' exists at {existing.Path}, the export has {media.Path}", media.Name);
        if (!File.Exists(media.Path))
            throw new ConfigurationException(ConfigurationError.MediaFileError, $"'{media.Path}' of medium '{media.Name}' does not exist; restore it first.", media.Path);
        var repository = RequireRepository(c, s.RequirePartition(media.PartitionName));
        Exec(c, "INSERT INTO media (partition_id, kind, name, path, read_only, owned, capacity_bytes) VALUES ($p, $k, $n, $path, $ro, $o, $cap)",
            ("$p", repository.PartitionId), ("$k", media.Kind.ToString()), ("$n", media.Name), ("$path", media.Path), ("$ro", media.ReadOnly ? 1 : 0),
            ("$o", media.Owned ? 1 : 0), ("$cap", media.CapacityBytes is long v ? v : DBNull.Value));
        return true;
    });

    private bool ImportDevice(AdapterMapping mapping, TargetDevice device)
    {
        var adapter = mapping.ServerAdapter.Name;
        var existing = GetMappings(device.PartitionName).SelectMany(m => m.Devices).FirstOrDefault(d => string.Equals(d.Name, device.Name, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
            return existing.Kind == device.Kind && existing.Lun == device.Lun && existing.ServerSlot == device.ServerSlot ? false
                : throw Conflict($"target device '{device.Name}' of '{device.PartitionName}' exists elsewhere (slot {existing.ServerSlot}, LUN {existing.Lun})", device.Name);
        var added = device.Kind == TargetDeviceKind.Disk
            ? AddTargetDevice(device.PartitionName, adapter, device.BackingDevice, device.Name)
            : AddDrive(device.PartitionName, adapter, device.Kind, device.Name, device.UnitId);
        if (added.Lun != device.Lun)
            throw Conflict($"target device '{device.Name}' came up at LUN {added.Lun}, the export has LUN {device.Lun}", device.Name);
        if (device.Media is { } media) LoadMedia(device.PartitionName, device.Name, media.Name, force: false);
        return true;
    }

    /// <summary>The folders from <paramref name="path"/> up that do not exist yet.</summary>
    private static IEnumerable<string> Missing(string path)
    {
        for (var d = System.IO.Path.GetFullPath(path); !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = System.IO.Path.GetDirectoryName(d)!)
            yield return d;
    }

    private static ConfigurationException Conflict(string what, object target) =>
        new(ConfigurationError.ImportConflict, $"Cannot import: {what}.", target);
}
