using Microsoft.Data.Sqlite;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Configuration;

public sealed partial class ManagedSystem
{
    /// <summary>Optical media are whole 2048-byte sectors (MMC-6 4.2.2).</summary>
    public const int OpticalSectorSize = 2048;

    private sealed record RepositoryRow(int PartitionId, string Path, long? SizeBytes);

    private sealed record MediaRow(long Id, int PartitionId, MediaKind Kind, string Name, string Path, bool ReadOnly, bool Owned, long? Capacity);

    /// <summary>Creates the media repository (VIOS mkrep) of a server partition: a folder for its optical media and tape cartridges.</summary>
    public MediaRepository CreateMediaRepository(string partition, string path, long? sizeBytes = null) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        if (!p.CanServe)
            throw new ConfigurationException(ConfigurationError.StorageRequiresServerPartition, $"Partition '{p.Name}' is of type {p.Type}; only Vios and IbmI partitions own media.", p.Name);
        if (sizeBytes is <= 0 or > SizeLimits.MaxPoolBytes)
            throw new ConfigurationException(ConfigurationError.MediaSizeInvalid, $"The repository size {sizeBytes} must be positive and at most {SizeLimits.Describe(SizeLimits.MaxPoolBytes)}.", sizeBytes);
        var full = Path.GetFullPath(path);
        var repositories = LoadRepositories(c);
        if (repositories.Any(r => r.PartitionId == p.Id))
            throw new ConfigurationException(ConfigurationError.MediaRepositoryExists, $"Partition '{p.Name}' already has a media repository; a partition has one.", p.Name);
        if (repositories.Any(r => r.Path == full) || LoadPools(c).Any(x => x.Path == full))
            throw new ConfigurationException(ConfigurationError.StoragePoolPathInUse, $"'{full}' is already a media repository or storage pool.", full);
        CreateFolder(full, ConfigurationError.MediaFileError, "repository");
        Exec(c, "INSERT INTO media_repository (partition_id, path, size_bytes) VALUES ($p, $path, $size)",
            ("$p", p.Id), ("$path", full), ("$size", sizeBytes is long size ? size : DBNull.Value));
        return ToRepository(c, s, LoadRepositories(c).Single(r => r.PartitionId == p.Id));
    });

    public IReadOnlyList<MediaRepository> GetMediaRepositories(string? partition = null) => Read((c, s) =>
    {
        var owner = partition is null ? null : s.RequirePartition(partition);
        return LoadRepositories(c).Where(r => owner is null || r.PartitionId == owner.Id).Select(r => ToRepository(c, s, r)).ToList();
    });

    /// <summary>Removes a partition's media repository (VIOS rmrep); refused while it holds media. The folder stays on disk.</summary>
    public MediaRepository RemoveMediaRepository(string partition) => Write((c, s) =>
    {
        var repository = RequireRepository(c, s.RequirePartition(partition));
        var result = ToRepository(c, s, repository);
        if (result.Media.Count > 0)
            throw new ConfigurationException(ConfigurationError.MediaRepositoryNotEmpty,
                $"The media repository of '{result.PartitionName}' still holds {string.Join(", ", result.Media)}. Remove them first.", partition);
        Exec(c, "DELETE FROM media_repository WHERE partition_id = $p", ("$p", repository.PartitionId));
        return result;
    });

    /// <summary>
    /// Adds an ISO image to a repository (VIOS mkvopt -file): copied into the repository folder, or
    /// with <paramref name="reference"/> used where it is. Read-only media are DVD-ROM, the others DVD-RAM.
    /// </summary>
    public VirtualMedia AddOpticalMedia(string? partition, string sourcePath, string? name, bool readOnly, bool reference) =>
        CreateMedia(partition, name ?? Path.GetFileNameWithoutExtension(sourcePath), (c, repository) =>
        {
            var source = Path.GetFullPath(sourcePath);
            if (!File.Exists(source))
                throw new ConfigurationException(ConfigurationError.MediaFileError, $"'{source}' does not exist.", source);
            var length = new FileInfo(source).Length;
            if (length == 0 || length % OpticalSectorSize != 0)
                throw new ConfigurationException(ConfigurationError.MediaSizeInvalid, $"'{source}' is {length} bytes, not a whole number of 2048-byte sectors; it is not an optical image.", source);
            if (length > SizeLimits.MaxOpticalBytes)
                throw new ConfigurationException(ConfigurationError.MediaSizeInvalid, $"'{source}' is {length} bytes; optical media are at most {SizeLimits.Describe(SizeLimits.MaxOpticalBytes)}.", source);
            if (reference) return (source, false);
            CheckRepositoryRoom(c, repository, length);
            var target = Path.Combine(repository.Path, Path.GetFileName(source));
            if (File.Exists(target))
                throw new ConfigurationException(ConfigurationError.MediaNameInUse, $"'{target}' already exists in the repository.", target);
            File.Copy(source, target);
            return (target, true);
        }, MediaKind.Optical, readOnly, null);

    /// <summary>Creates blank rewritable DVD-RAM media of <paramref name="sizeBytes"/> in a repository (VIOS mkvopt -size), as a sparse file.</summary>
    public VirtualMedia CreateBlankMedia(string? partition, string name, long sizeBytes) =>
        CreateMedia(partition, name, (c, repository) =>
        {
            if (sizeBytes <= 0 || sizeBytes % OpticalSectorSize != 0 || sizeBytes > SizeLimits.MaxOpticalBytes)
                throw new ConfigurationException(ConfigurationError.MediaSizeInvalid,
                    $"The size {sizeBytes} must be a positive multiple of 2048 bytes, at most {SizeLimits.Describe(SizeLimits.MaxOpticalBytes)} (READ CAPACITY's 32-bit sector count).", sizeBytes);
            CheckRepositoryRoom(c, repository, sizeBytes);
            var target = Path.Combine(repository.Path, name + ".iso");
            using (var file = File.Open(target, FileMode.CreateNew, FileAccess.Write)) file.SetLength(sizeBytes);
            return (target, true);
        }, MediaKind.Optical, false, null);

    /// <summary>Creates an empty tape cartridge (a SIMH tape image) of <paramref name="capacityBytes"/> in the partition's repository.</summary>
    public VirtualMedia CreateTapeCartridge(string? partition, string name, long capacityBytes, bool readOnly = false) =>
        CreateMedia(partition, name, (c, repository) =>
        {
            if (capacityBytes is < TapeImage.MinCapacity or > SizeLimits.MaxCartridgeBytes)
                throw new ConfigurationException(ConfigurationError.MediaSizeInvalid,
                    $"A cartridge holds at least {TapeImage.MinCapacity} bytes and at most {SizeLimits.Describe(SizeLimits.MaxCartridgeBytes)}, not {capacityBytes}.", capacityBytes);
            CheckRepositoryRoom(c, repository, capacityBytes);
            var target = Path.Combine(repository.Path, name + ".tap");
            using (TapeImage.Create(target, capacityBytes)) { }
            return (target, true);
        }, MediaKind.Tape, readOnly, capacityBytes);

    private VirtualMedia CreateMedia(string? partition, string name, Func<SqliteConnection, RepositoryRow, (string Path, bool Owned)> place,
        MediaKind kind, bool readOnly, long? capacity)
    {
        string? created = null;
        try
        {
            return Write((c, s) =>
            {
                var repository = RequireRepository(c, ResolveMediaPartition(c, s, partition));
                CheckMediaName(c, name);
                var (path, owned) = place(c, repository);
                if (owned) created = path;
                if (LoadMediaRows(c).Find(m => m.Path == path) is { } holder)
                    throw new ConfigurationException(ConfigurationError.MediaNameInUse, $"'{path}' is already medium '{holder.Name}'.", path);
                Exec(c, "INSERT INTO media (partition_id, kind, name, path, read_only, owned, capacity_bytes) VALUES ($p, $k, $n, $path, $ro, $o, $cap)",
                    ("$p", repository.PartitionId), ("$k", kind.ToString()), ("$n", name), ("$path", path), ("$ro", readOnly ? 1 : 0), ("$o", owned ? 1 : 0),
                    ("$cap", capacity is long v ? v : DBNull.Value));
                return ToMedia(c, s, LoadMediaRows(c).Single(m => m.Name == name));
            });
        }
        catch (Exception e) when (created is not null || e is IOException or UnauthorizedAccessException)
        {
            if (created is not null) File.Delete(created); // the record was not written, so the file goes too
            if (e is IOException or UnauthorizedAccessException)
                throw new ConfigurationException(ConfigurationError.MediaFileError, $"Cannot create medium '{name}': {e.Message}", name, e);
            throw;
        }
    }

    public IReadOnlyList<VirtualMedia> GetMedia(string? partition = null, MediaKind? kind = null) => Read((c, s) =>
    {
        var owner = partition is null ? null : s.RequirePartition(partition);
        var rows = StorageRows.Load(c);
        return rows.Media.Where(m => (owner is null || m.PartitionId == owner.Id) && (kind is null || m.Kind == kind))
            .Select(m => ToMedia(c, s, m, rows)).ToList();
    });

    /// <summary>Renames a medium (VIOS chvopt -name); an owned file is renamed with it. Refused while loaded.</summary>
    public VirtualMedia RenameMedia(string name, string newName) => Write((c, s) =>
    {
        var media = RequireMedia(c, name);
        CheckNotLoaded(c, media);
        CheckMediaName(c, newName);
        var path = media.Path;
        if (media.Owned)
        {
            path = Path.Combine(Path.GetDirectoryName(media.Path)!, newName + Path.GetExtension(media.Path));
            if (File.Exists(path))
                throw new ConfigurationException(ConfigurationError.MediaNameInUse, $"'{path}' already exists in the repository.", path);
        }
        Exec(c, "UPDATE media SET name = $n, path = $path WHERE id = $id", ("$n", newName), ("$path", path), ("$id", media.Id));
        if (path != media.Path) File.Move(media.Path, path);
        return ToMedia(c, s, LoadMediaRows(c).Single(m => m.Id == media.Id));
    });

    /// <summary>Removes a medium (VIOS rmvopt); refused while loaded. Files VScsi created or copied are deleted, referenced ones kept.</summary>
    public VirtualMedia RemoveMedia(string name, MediaKind? kind = null) => Write((c, s) =>
    {
        var media = RequireMedia(c, name);
        if (kind is MediaKind expected && media.Kind != expected)
            throw new ConfigurationException(ConfigurationError.MediaKindMismatch, $"'{media.Name}' is {media.Kind} media, not {expected}.", name);
        CheckNotLoaded(c, media);
        var removed = ToMedia(c, s, media);
        Exec(c, "DELETE FROM media WHERE id = $id", ("$id", media.Id));
        if (media.Owned && File.Exists(media.Path)) File.Delete(media.Path);
        return removed;
    });

    /// <summary>
    /// Loads media into a drive (VIOS loadopt). Read-only optical media may be in several drives,
    /// rewritable media and cartridges in one. A loaded drive is refused unless <paramref name="force"/>,
    /// which unloads it first. <paramref name="live"/> applies the change to the serving drive (it may refuse by throwing).
    /// </summary>
    public TargetDevice LoadMedia(string? partition, string device, string media, bool force, Action<TargetDevice, VirtualMedia>? live = null) => Write((c, s) =>
    {
        var row = RequireDrive(c, s, partition, device);
        var m = RequireMedia(c, media);
        var current = ToDevice(c, s, row);
        if (m.PartitionId != row.PartitionId)
            throw new ConfigurationException(ConfigurationError.BackingDeviceNotOwned, $"Medium '{m.Name}' is in the repository of partition {m.PartitionId}, not '{current.PartitionName}'.", media);
        if ((m.Kind == MediaKind.Tape) != (row.Kind == TargetDeviceKind.Tape))
            throw new ConfigurationException(ConfigurationError.MediaKindMismatch, $"'{m.Name}' is {m.Kind} media and {row.Name} is a{(row.Kind == TargetDeviceKind.Tape ? " tape" : "n optical")} drive.", media);
        if (row.MediaId is long loaded && !force)
            throw new ConfigurationException(ConfigurationError.DriveNotEmpty, $"{row.Name} holds '{current.BackingDevice}'. Dismount it first, or use -Force.", device);
        if (row.MediaId != m.Id && (m.Kind == MediaKind.Tape || !m.ReadOnly) && LoadDevices(c).FirstOrDefault(d => d.MediaId == m.Id) is { } other)
            throw new ConfigurationException(ConfigurationError.MediaInUse, $"'{m.Name}' is {(m.ReadOnly ? "a cartridge" : "rewritable")} and already loaded in {other.Name}; it can be in one drive at a time.", media);
        var medium = ToMedia(c, s, m);
        live?.Invoke(current, medium);
        Exec(c, "UPDATE target_device SET media_id = $m WHERE id = $id", ("$m", m.Id), ("$id", row.Id));
        return ToDevice(c, s, LoadDevices(c).Single(d => d.Id == row.Id));
    });

    /// <summary>Unloads a drive (VIOS unloadopt); <paramref name="live"/> ejects it on the serving drive (it may refuse by throwing).</summary>
    public TargetDevice UnloadMedia(string? partition, string device, Action<TargetDevice>? live = null) => Write((c, s) =>
    {
        var row = RequireDrive(c, s, partition, device);
        var current = ToDevice(c, s, row);
        if (row.MediaId is null)
            throw new ConfigurationException(ConfigurationError.DriveEmpty, $"{row.Name} holds no media.", device);
        live?.Invoke(current);
        Exec(c, "UPDATE target_device SET media_id = NULL WHERE id = $id", ("$id", row.Id));
        return current;
    });

    /// <summary>The drive named <paramref name="device"/>, in <paramref name="partition"/> or, without one, the only partition that has it.</summary>
    private static DeviceRow RequireDrive(SqliteConnection c, ConfigSnapshot s, string? partition, string device)
    {
        var owner = partition is null ? null : s.RequirePartition(partition);
        var matches = LoadDevices(c).Where(d => (owner is null || d.PartitionId == owner.Id) && string.Equals(d.Name, device, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
            throw new ConfigurationException(ConfigurationError.TargetDeviceNotFound, $"No target device '{device}' was found{(owner is null ? "" : $" in '{owner.Name}'")}.", device);
        if (matches.Count > 1)
            throw new ConfigurationException(ConfigurationError.PartitionRequired, $"Several partitions have a device '{device}'; give -Partition.", device);
        if (matches[0].Kind == TargetDeviceKind.Disk)
            throw new ConfigurationException(ConfigurationError.NotADrive, $"{matches[0].Name} is a disk; media load into optical (vtopt) and tape (vttape) drives.", device);
        return matches[0];
    }

    private static PartitionRow ResolveMediaPartition(SqliteConnection c, ConfigSnapshot s, string? partition)
    {
        if (partition is not null) return s.RequirePartition(partition);
        var repositories = LoadRepositories(c);
        return repositories.Count switch
        {
            1 => s.FindPartition(repositories[0].PartitionId)!,
            0 => throw new ConfigurationException(ConfigurationError.MediaRepositoryNotFound, "No partition has a media repository. Create one with New-VScsiMediaRepository.", null),
            _ => throw new ConfigurationException(ConfigurationError.PartitionRequired, "Several partitions have a media repository; give -Partition.", null),
        };
    }

    private static void CheckMediaName(SqliteConnection c, string name)
    {
        if (!Names.IsValidAdapterName(name))
            throw new ConfigurationException(ConfigurationError.MediaNameInvalid, $"'{name}' is not a valid media name: use letters, digits, '-', '_' or '.'.", name);
        if (LoadMediaRows(c).Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)))
            throw new ConfigurationException(ConfigurationError.MediaNameInUse, $"A medium named '{name}' already exists.", name);
    }

    private static void CheckNotLoaded(SqliteConnection c, MediaRow media)
    {
        var drives = LoadDevices(c).Where(d => d.MediaId == media.Id).Select(d => d.Name).ToList();
        if (drives.Count > 0)
            throw new ConfigurationException(ConfigurationError.MediaLoaded, $"'{media.Name}' is loaded in {string.Join(", ", drives)}. Dismount it first.", media.Name);
    }

    private static void CheckRepositoryRoom(SqliteConnection c, RepositoryRow repository, long moreBytes)
    {
        if (repository.SizeBytes is not long size) return;
        var used = RepositoryUsed(c, repository);
        if (moreBytes > size - used)
            throw new ConfigurationException(ConfigurationError.MediaRepositoryFull, $"The media repository has {size - used} of {size} bytes free; {moreBytes} more were asked for.", repository.Path);
    }

    private static long RepositoryUsed(SqliteConnection c, RepositoryRow repository) =>
        SizeLimits.TrySum(LoadMediaRows(c).Where(m => m.PartitionId == repository.PartitionId && m.Owned).Select(m => m.Kind == MediaKind.Tape ? m.Capacity ?? 0 : SizeOf(m.Path)))
        ?? throw new ConfigurationException(ConfigurationError.StorageSizeOverflow,
            $"The media of the repository '{repository.Path}' add up to more than {long.MaxValue} bytes (a cartridge made before sizes were checked?). Remove the oversized medium with Remove-VScsiTapeCartridge or Remove-VScsiMedia.", repository.Path);

    private static RepositoryRow RequireRepository(SqliteConnection c, PartitionRow p) =>
        LoadRepositories(c).Find(r => r.PartitionId == p.Id)
        ?? throw new ConfigurationException(ConfigurationError.MediaRepositoryNotFound, $"Partition '{p.Name}' has no media repository. Create one with New-VScsiMediaRepository.", p.Name);

    private static MediaRow RequireMedia(SqliteConnection c, string name) =>
        LoadMediaRows(c).Find(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigurationException(ConfigurationError.MediaNotFound, $"No medium is named '{name}'. Get-VScsiMedia and Get-VScsiTapeCartridge list them.", name);

    private static List<RepositoryRow> LoadRepositories(SqliteConnection c) => Rows(c, "SELECT partition_id, path, size_bytes FROM media_repository ORDER BY partition_id",
        r => new RepositoryRow(r.GetInt32(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2)));

    private static List<MediaRow> LoadMediaRows(SqliteConnection c) => Rows(c, "SELECT id, partition_id, kind, name, path, read_only, owned, capacity_bytes FROM media ORDER BY id",
        r => new MediaRow(r.GetInt64(0), r.GetInt32(1), Enum.Parse<MediaKind>(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetInt32(5) == 1, r.GetInt32(6) == 1,
            r.IsDBNull(7) ? null : r.GetInt64(7)));

    private static MediaRepository ToRepository(SqliteConnection c, ConfigSnapshot s, RepositoryRow r) =>
        new(r.PartitionId, s.FindPartition(r.PartitionId)?.Name ?? "", r.Path, r.SizeBytes, RepositoryUsed(c, r),
            LoadMediaRows(c).Where(m => m.PartitionId == r.PartitionId).Select(m => m.Name).ToList());

    private static VirtualMedia ToMedia(SqliteConnection c, ConfigSnapshot s, MediaRow m, StorageRows? rows = null) =>
        new(m.Name, m.PartitionId, s.FindPartition(m.PartitionId)?.Name ?? "", m.Kind, m.Path, SizeOf(m.Path), m.ReadOnly, m.Owned, m.Capacity,
            (rows?.Devices ?? LoadDevices(c)).Where(d => d.MediaId == m.Id).Select(d => d.Name).ToList());
}
