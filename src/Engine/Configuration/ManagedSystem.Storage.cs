using System.Globalization;
using Microsoft.Data.Sqlite;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Configuration;

public sealed partial class ManagedSystem
{
    /// <summary>VIOS addressing gives each virtual target device a target id 1..63, LUN 0.</summary>
    public const int MaxTargetDevicesPerAdapter = 63;

    private sealed record DiskRow(long Id, int PartitionId, string Name, string Path, int BlockSize, bool Created, bool Shareable, Guid UnitId, string Serial, long? PoolId);

    private sealed record DeviceRow(long Id, int PartitionId, string Name, int ServerSlot, ulong Lun, TargetDeviceKind Kind, long? DiskId, Guid UnitId, long? MediaId);

    /// <summary>
    /// Registers a virtual disk of a server partition. With <paramref name="sizeBytes"/> a new image
    /// file is created (sparse unless <paramref name="preallocate"/>); without it the path must be
    /// an existing image or device, whose length is the capacity. Existing files are never overwritten.
    /// </summary>
    public VirtualDisk CreateVirtualDisk(string partition, string name, string path, long? sizeBytes, int blockSize = FileBlockStore.DefaultBlockSize,
        bool preallocate = false, bool shareable = false) =>
        CreateDisk(name, Path.GetFullPath(path), sizeBytes, blockSize, preallocate, shareable, (c, s) => (s.RequirePartition(partition), null));

    /// <summary>Creates a backing device in a storage pool (VIOS mkbdsp): a new image in the pool's folder, within the pool's size.</summary>
    public VirtualDisk CreateBackingDevice(string pool, string name, long sizeBytes, int blockSize = FileBlockStore.DefaultBlockSize, bool preallocate = false) =>
        CreateDisk(name, null, sizeBytes, blockSize, preallocate, false, (c, s) =>
        {
            var p = RequirePool(c, pool);
            CheckNewDiskSize(sizeBytes, blockSize);
            CheckPoolRoom(c, p, sizeBytes);
            return (s.FindPartition(p.PartitionId)!, p);
        });

    private VirtualDisk CreateDisk(string name, string? fullPath, long? sizeBytes, int blockSize, bool preallocate, bool shareable,
        Func<SqliteConnection, ConfigSnapshot, (PartitionRow Partition, PoolRow? Pool)> locate)
    {
        string? createdFile = null;
        try
        {
            return Write((c, s) =>
            {
                var (p, pool) = locate(c, s);
                if (!p.CanServe)
                    throw new ConfigurationException(ConfigurationError.StorageRequiresServerPartition,
                        $"Partition '{p.Name}' is of type {p.Type}; only Vios and IbmI partitions own storage they serve.", p.Name);
                if (!Names.IsValidAdapterName(name))
                    throw new ConfigurationException(ConfigurationError.VirtualDiskNameInvalid, $"'{name}' is not a valid disk name: use letters, digits, '-', '_' or '.'.", name);
                var path = fullPath ?? Path.Combine(pool!.Path, name + ".img");
                var disks = LoadDisks(c);
                if (disks.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))
                    throw new ConfigurationException(ConfigurationError.VirtualDiskNameInUse, $"A virtual disk named '{name}' already exists.", name);
                if (disks.Find(d => d.Path == path) is { } holder)
                    throw new ConfigurationException(ConfigurationError.VirtualDiskPathInUse, $"'{path}' is already virtual disk '{holder.Name}'.", path);
                if (blockSize is not (512 or 4096))
                    throw new ConfigurationException(ConfigurationError.VirtualDiskSizeInvalid, $"The block size must be 512 or 4096, not {blockSize}.", blockSize);
                CheckBackingPath(c, path);
                if (sizeBytes is long size)
                {
                    CheckNewDiskSize(size, blockSize);
                    if (File.Exists(path) || Directory.Exists(path))
                        throw new ConfigurationException(ConfigurationError.VirtualDiskPathInUse, $"'{path}' already exists; omit -Size to use an existing image, or choose a new path.", path);
                    CreateImage(path, size, blockSize, preallocate);
                    createdFile = path;
                }
                else if (!File.Exists(path))
                {
                    throw new ConfigurationException(ConfigurationError.VirtualDiskFileError, $"'{path}' does not exist; give -Size to create a new image.", path);
                }
                else
                {
                    CheckExistingImage(path, blockSize);
                }
                var unitId = Guid.NewGuid();
                Exec(c, "INSERT INTO virtual_disk (partition_id, name, path, block_size, created, shareable, unit_id, serial, pool_id) VALUES ($p, $n, $path, $b, $c, $s, $u, $serial, $pool)",
                    ("$p", p.Id), ("$n", name), ("$path", path), ("$b", blockSize), ("$c", createdFile is null ? 0 : 1), ("$s", shareable ? 1 : 0),
                    ("$u", unitId.ToString()), ("$serial", unitId.ToString("N")[..16].ToUpperInvariant()), ("$pool", pool is null ? DBNull.Value : pool.Id));
                return ToDisk(s, LoadDisks(c).Single(d => d.Name == name), [], LoadPools(c));
            });
        }
        catch when (createdFile is not null)
        {
            File.Delete(createdFile); // the record was not written, so the new image goes too
            throw;
        }
    }

    public IReadOnlyList<VirtualDisk> GetVirtualDisks(string? partition = null) => Read((c, s) =>
    {
        var owner = partition is null ? null : s.RequirePartition(partition);
        var devices = LoadDevices(c);
        var pools = LoadPools(c);
        return LoadDisks(c).Where(d => owner is null || d.PartitionId == owner.Id).Select(d => ToDisk(s, d, devices, pools)).ToList();
    });

    /// <summary>
    /// Grows a virtual disk's image to <paramref name="sizeBytes"/> (disks never shrink: data would
    /// be lost). <paramref name="growServed"/> grows it through the process serving it, when one
    /// does (returning true); otherwise the image file is grown here.
    /// </summary>
    public VirtualDisk GrowVirtualDisk(string name, long sizeBytes, Func<VirtualDisk, ulong, bool>? growServed = null) => Write((c, s) =>
    {
        var disk = RequireDisk(LoadDisks(c), name);
        var current = ToDisk(s, disk, LoadDevices(c), LoadPools(c));
        if (sizeBytes % disk.BlockSize != 0 || sizeBytes < current.SizeBytes || sizeBytes > SizeLimits.MaxDiskBytes)
            throw new ConfigurationException(ConfigurationError.VirtualDiskSizeInvalid,
                $"The new size {sizeBytes} must be a multiple of {disk.BlockSize}, at least the current {current.SizeBytes} bytes (disks only grow) and at most {SizeLimits.Describe(SizeLimits.MaxDiskBytes)}.", sizeBytes);
        if (disk.PoolId is long poolId)
            CheckPoolRoom(c, LoadPools(c).Single(p => p.Id == poolId), sizeBytes - current.SizeBytes);
        var blocks = (ulong)(sizeBytes / disk.BlockSize);
        try
        {
            if (growServed?.Invoke(current, blocks) != true)
            {
                using var store = FileBlockStore.Open(disk.Path, disk.BlockSize);
                store.Grow(blocks);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            throw new ConfigurationException(ConfigurationError.VirtualDiskFileError, $"Cannot grow '{disk.Path}': {FileError(e, sizeBytes)}", disk.Path, e);
        }
        return ToDisk(s, disk, LoadDevices(c), LoadPools(c));
    });

    /// <summary>Unregisters a virtual disk that no target device maps; with <paramref name="deleteFile"/> its image file is deleted too.</summary>
    public VirtualDisk RemoveVirtualDisk(string name, bool deleteFile) => Write((c, s) =>
    {
        var disk = RequireDisk(LoadDisks(c), name);
        var mapped = LoadDevices(c).Where(d => d.DiskId == disk.Id).ToList();
        if (mapped.Count > 0)
            throw new ConfigurationException(ConfigurationError.VirtualDiskMapped,
                $"Virtual disk '{disk.Name}' is mapped as {string.Join(", ", mapped.Select(m => m.Name))}. Remove those target devices first.", name);
        Exec(c, "DELETE FROM virtual_disk WHERE id = $id", ("$id", disk.Id));
        if (deleteFile && File.Exists(disk.Path)) File.Delete(disk.Path);
        return ToDisk(s, disk, [], LoadPools(c));
    });

    /// <summary>
    /// Maps a virtual disk to a server adapter (VIOS mkvdev): the device gets the lowest free LUN of
    /// the adapter and a vtscsiN name unless given. A disk is mapped once unless shareable.
    /// </summary>
    public TargetDevice AddTargetDevice(string partition, string serverAdapter, string backingDevice, string? name = null) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        var adapter = RequireServerAdapter(s, p, serverAdapter);
        var disks = LoadDisks(c);
        var full = Path.IsPathFullyQualified(backingDevice) || backingDevice.Contains('/') ? Path.GetFullPath(backingDevice) : null;
        var disk = disks.Find(d => string.Equals(d.Name, backingDevice, StringComparison.OrdinalIgnoreCase) || d.Path == full)
            ?? throw new ConfigurationException(ConfigurationError.VirtualDiskNotFound, $"No virtual disk is named or stored at '{backingDevice}'. Create it with New-VScsiVirtualDisk.", backingDevice);
        if (disk.PartitionId != p.Id)
            throw new ConfigurationException(ConfigurationError.BackingDeviceNotOwned, $"Virtual disk '{disk.Name}' belongs to partition {disk.PartitionId}, not '{p.Name}'.", disk.Name);
        if (!disk.Shareable && LoadDevices(c).FirstOrDefault(d => d.DiskId == disk.Id) is { } existing)
            throw new ConfigurationException(ConfigurationError.BackingDeviceInUse, $"Virtual disk '{disk.Name}' is already mapped as {existing.Name}; mark it shareable to map it again.", disk.Name);
        return InsertDevice(c, s, p, adapter, TargetDeviceKind.Disk, disk.Id, name);
    });

    /// <summary>Adds an empty CD/DVD drive (vtoptN) or tape drive (vttapeN) to a server adapter (VIOS mkvdev -fbo / mkvdev for tape).</summary>
    public TargetDevice AddDrive(string partition, string serverAdapter, TargetDeviceKind kind, string? name = null, Guid? unitId = null) => Write((c, s) =>
    {
        if (kind == TargetDeviceKind.Disk) throw new ArgumentOutOfRangeException(nameof(kind), kind, "A disk needs a backing device.");
        var p = s.RequirePartition(partition);
        return InsertDevice(c, s, p, RequireServerAdapter(s, p, serverAdapter), kind, null, name, unitId);
    });

    private static AdapterRow RequireServerAdapter(ConfigSnapshot s, PartitionRow p, string serverAdapter) =>
        s.AdaptersOf(s.Effective(p)).FirstOrDefault(a => a.Definition.Kind == AdapterKind.Server && string.Equals(a.Name, serverAdapter, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigurationException(ConfigurationError.AdapterNotFound, $"Partition '{p.Name}' has no server adapter '{serverAdapter}'.", serverAdapter);

    /// <summary>Gives a new device the lowest free LUN of its adapter and a vtscsiN/vtoptN/vttapeN name unless one is given.</summary>
    private static TargetDevice InsertDevice(SqliteConnection c, ConfigSnapshot s, PartitionRow p, AdapterRow adapter, TargetDeviceKind kind, long? diskId, string? name,
        Guid? unitId = null)
    {
        var devices = LoadDevices(c);
        var used = devices.Where(d => d.PartitionId == p.Id && d.ServerSlot == adapter.Definition.Slot).Select(d => d.Lun).ToHashSet();
        var lun = Enumerable.Range(0, MaxTargetDevicesPerAdapter).Select(i => (ulong)i).FirstOrDefault(l => !used.Contains(l), ulong.MaxValue);
        if (lun == ulong.MaxValue)
            throw new ConfigurationException(ConfigurationError.TooManyTargetDevices, $"Server adapter {adapter.Name} already has {MaxTargetDevicesPerAdapter} target devices.", adapter.Name);
        var names = devices.Where(d => d.PartitionId == p.Id).Select(d => d.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (name is not null && (!Names.IsValidAdapterName(name) || names.Contains(name)))
            throw new ConfigurationException(ConfigurationError.TargetDeviceNameInUse, $"'{name}' is not a valid, unused target device name in '{p.Name}'.", name);
        var prefix = kind switch { TargetDeviceKind.Optical => "vtopt", TargetDeviceKind.Tape => "vttape", _ => "vtscsi" };
        name ??= Enumerable.Range(0, int.MaxValue).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).First(n => !names.Contains(n));
        Exec(c, "INSERT INTO target_device (partition_id, name, server_slot, lun, kind, disk_id, unit_id) VALUES ($p, $n, $s, $l, $k, $d, $u)",
            ("$p", p.Id), ("$n", name), ("$s", adapter.Definition.Slot), ("$l", (long)lun), ("$k", kind.ToString()),
            ("$d", diskId is long id ? id : DBNull.Value), ("$u", diskId is null ? (unitId ?? Guid.NewGuid()).ToString() : DBNull.Value));
        return ToDevice(c, s, LoadDevices(c).Single(d => d.PartitionId == p.Id && d.Name == name));
    }

    /// <summary>Removes a virtual target device (VIOS rmvdev); the virtual disk stays.</summary>
    public TargetDevice RemoveTargetDevice(string partition, string name) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        var device = LoadDevices(c).Find(d => d.PartitionId == p.Id && string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigurationException(ConfigurationError.TargetDeviceNotFound, $"Partition '{p.Name}' has no target device '{name}'.", name);
        var removed = ToDevice(c, s, device);
        Exec(c, "DELETE FROM target_device WHERE id = $id", ("$id", device.Id));
        return removed;
    });

    /// <summary>Server adapters with their target devices, like lsmap -all.</summary>
    public IReadOnlyList<AdapterMapping> GetMappings(string? partition = null, string? serverAdapter = null) => Read((c, s) =>
    {
        var owners = partition is null ? s.Partitions.Where(p => p.CanServe).ToList() : [s.RequirePartition(partition)];
        var rows = StorageRows.Load(c);
        var mappings = new List<AdapterMapping>();
        foreach (var p in owners)
        {
            foreach (var a in s.AdaptersOf(s.Effective(p)).Where(a => a.Definition.Kind == AdapterKind.Server).OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase))
            {
                if (serverAdapter is not null && !string.Equals(a.Name, serverAdapter, StringComparison.OrdinalIgnoreCase)) continue;
                var adapter = ToAdapter(s, a);
                var mapped = rows.Devices.Where(d => d.PartitionId == p.Id && d.ServerSlot == a.Definition.Slot).Select(d => ToDevice(c, s, d, rows)).ToList();
                var client = adapter.Pairing == PairingStatus.Paired ? adapter.PartnerPartitionId : Pairing.ResolveRemote(s, a.Definition).Partition?.Id;
                mappings.Add(new AdapterMapping(adapter, client, mapped));
            }
        }
        if (serverAdapter is not null && mappings.Count == 0)
            throw new ConfigurationException(ConfigurationError.AdapterNotFound, $"No server adapter '{serverAdapter}' was found.", serverAdapter);
        return mappings;
    });

    private static void CheckNewDiskSize(long size, int blockSize)
    {
        if (size <= 0 || size % blockSize != 0 || size > SizeLimits.MaxDiskBytes)
            throw new ConfigurationException(ConfigurationError.VirtualDiskSizeInvalid,
                $"The size {size} must be a positive multiple of the block size {blockSize}, at most {SizeLimits.Describe(SizeLimits.MaxDiskBytes)}.", size);
    }

    private static void CreateImage(string path, long size, int blockSize, bool preallocate)
    {
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            using var image = FileBlockStore.Create(path, size, blockSize, preallocate);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            throw new ConfigurationException(ConfigurationError.VirtualDiskFileError, $"Cannot create '{path}': {FileError(e, size)}", path, e);
        }
    }

    /// <summary>.NET reports a length the file system cannot hold (EFBIG, ERROR_FILE_TOO_LARGE) as ArgumentOutOfRangeException.</summary>
    private static string FileError(Exception e, long size) =>
        e is ArgumentOutOfRangeException ? $"the file system cannot hold a file of {size} bytes (ext4 holds at most 16 TiB per file); choose a smaller size or another file system" : e.Message;

    private static DiskRow RequireDisk(List<DiskRow> disks, string name) =>
        disks.Find(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigurationException(ConfigurationError.VirtualDiskNotFound, $"No virtual disk is named '{name}'. Get-VScsiVirtualDisk lists them.", name);

    private static List<DiskRow> LoadDisks(SqliteConnection c) => Rows(c, "SELECT id, partition_id, name, path, block_size, created, shareable, unit_id, serial, pool_id FROM virtual_disk ORDER BY id",
        r => new DiskRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5) == 1, r.GetInt32(6) == 1, Guid.Parse(r.GetString(7)), r.GetString(8),
            r.IsDBNull(9) ? null : r.GetInt64(9)));

    private static List<DeviceRow> LoadDevices(SqliteConnection c) => Rows(c,
        "SELECT d.id, d.partition_id, d.name, d.server_slot, d.lun, d.kind, d.disk_id, COALESCE(d.unit_id, v.unit_id), d.media_id FROM target_device d LEFT JOIN virtual_disk v ON v.id = d.disk_id ORDER BY d.partition_id, d.server_slot, d.lun",
        r => new DeviceRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3), (ulong)r.GetInt64(4), Enum.Parse<TargetDeviceKind>(r.GetString(5)),
            r.IsDBNull(6) ? null : r.GetInt64(6), Guid.Parse(r.GetString(7)), r.IsDBNull(8) ? null : r.GetInt64(8)));

    private static List<T> Rows<T>(SqliteConnection c, string sql, Func<SqliteDataReader, T> map)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(map(reader));
        return list;
    }

    private static VirtualDisk ToDisk(ConfigSnapshot s, DiskRow d, IEnumerable<DeviceRow> devices, List<PoolRow> pools) =>
        new(d.Name, d.PartitionId, s.FindPartition(d.PartitionId)?.Name ?? "", d.Path, SizeOf(d.Path), d.BlockSize, d.Created, d.Shareable, d.UnitId, d.Serial,
            devices.Where(x => x.DiskId == d.Id).Select(x => x.Name).ToList(), pools.Find(p => p.Id == d.PoolId)?.Name);

    private static long SizeOf(string path)
    {
        try
        {
            return File.Exists(path) ? FileBlockStore.LengthOf(path) : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // unreadable right now: reported as empty rather than failing the listing
        }
    }

    /// <summary>The storage rows a listing needs, read once for all its items.</summary>
    private sealed record StorageRows(List<DiskRow> Disks, List<DeviceRow> Devices, List<MediaRow> Media)
    {
        public static StorageRows Load(SqliteConnection c) => new(LoadDisks(c), LoadDevices(c), LoadMediaRows(c));
    }

    private static TargetDevice ToDevice(SqliteConnection c, ConfigSnapshot s, DeviceRow d, StorageRows? rows = null)
    {
        rows ??= StorageRows.Load(c);
        var p = s.FindPartition(d.PartitionId)!;
        var adapter = s.AdapterAt(s.Effective(p), d.ServerSlot);
        var adapterName = adapter?.Definition.Kind == AdapterKind.Server ? adapter.Name : null;
        if (d.DiskId is long diskId)
        {
            var disk = rows.Disks.Single(x => x.Id == diskId);
            return new TargetDevice(d.Name, p.Id, p.Name, d.ServerSlot, adapterName, d.Lun, disk.Name, disk.Path) { UnitId = d.UnitId };
        }
        var media = d.MediaId is long mediaId ? ToMedia(c, s, rows.Media.Single(m => m.Id == mediaId), rows) : null;
        return new TargetDevice(d.Name, p.Id, p.Name, d.ServerSlot, adapterName, d.Lun, media?.Name ?? "", media?.Path ?? "")
        {
            Kind = d.Kind,
            UnitId = d.UnitId,
            Media = media,
        };
    }
}
