using Microsoft.Data.Sqlite;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Configuration;

public sealed partial class ManagedSystem
{
    private sealed record PoolRow(long Id, int PartitionId, string Name, string Path, long? SizeBytes);

    /// <summary>Creates a storage pool: a folder of a server partition, with an optional size no backing devices may exceed together.</summary>
    public StoragePool CreateStoragePool(string partition, string name, string path, long? sizeBytes = null) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        if (!p.CanServe)
            throw new ConfigurationException(ConfigurationError.StorageRequiresServerPartition, $"Partition '{p.Name}' is of type {p.Type}; only Vios and IbmI partitions own storage.", p.Name);
        if (!Names.IsValidAdapterName(name))
            throw new ConfigurationException(ConfigurationError.VirtualDiskNameInvalid, $"'{name}' is not a valid pool name: use letters, digits, '-', '_' or '.'.", name);
        if (sizeBytes is <= 0 or > SizeLimits.MaxPoolBytes)
            throw new ConfigurationException(ConfigurationError.StoragePoolSizeInvalid, $"The pool size {sizeBytes} must be positive and at most {SizeLimits.Describe(SizeLimits.MaxPoolBytes)}.", sizeBytes);
        var full = System.IO.Path.GetFullPath(path);
        var pools = LoadPools(c);
        if (pools.Any(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase)))
            throw new ConfigurationException(ConfigurationError.StoragePoolNameInUse, $"A storage pool named '{name}' already exists.", name);
        if (pools.Find(x => x.Path == full) is { } holder)
            throw new ConfigurationException(ConfigurationError.StoragePoolPathInUse, $"'{full}' is already storage pool '{holder.Name}'.", full);
        CreateFolder(full, ConfigurationError.VirtualDiskFileError, "pool");
        Exec(c, "INSERT INTO storage_pool (partition_id, name, path, size_bytes) VALUES ($p, $n, $path, $size)",
            ("$p", p.Id), ("$n", name), ("$path", full), ("$size", sizeBytes is long size ? size : DBNull.Value));
        return ToPool(c, s, LoadPools(c).Single(x => x.Name == name));
    });

    public IReadOnlyList<StoragePool> GetStoragePools(string? partition = null) => Read((c, s) =>
    {
        var owner = partition is null ? null : s.RequirePartition(partition);
        return LoadPools(c).Where(x => owner is null || x.PartitionId == owner.Id).Select(x => ToPool(c, s, x)).ToList();
    });

    /// <summary>Removes an empty storage pool; its folder is left on disk.</summary>
    public StoragePool RemoveStoragePool(string name) => Write((c, s) =>
    {
        var pool = RequirePool(c, name);
        var result = ToPool(c, s, pool);
        if (result.BackingDevices.Count > 0)
            throw new ConfigurationException(ConfigurationError.StoragePoolNotEmpty,
                $"Storage pool '{pool.Name}' still holds {string.Join(", ", result.BackingDevices)}. Remove those backing devices first.", name);
        Exec(c, "DELETE FROM storage_pool WHERE id = $id", ("$id", pool.Id));
        return result;
    });

    /// <summary>Creates a pool's or repository's folder; failing to is <paramref name="error"/>.</summary>
    private static void CreateFolder(string path, ConfigurationError error, string what)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(error, $"Cannot create the {what} folder '{path}': {e.Message}", path, e);
        }
    }

    private static List<PoolRow> LoadPools(SqliteConnection c) => Rows(c, "SELECT id, partition_id, name, path, size_bytes FROM storage_pool ORDER BY id",
        r => new PoolRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4)));

    private static PoolRow RequirePool(SqliteConnection c, string name) =>
        LoadPools(c).Find(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigurationException(ConfigurationError.StoragePoolNotFound, $"No storage pool is named '{name}'. Get-VScsiStoragePool lists them.", name);

    /// <summary>Refuses to hand out <paramref name="moreBytes"/> beyond the pool's size.</summary>
    private static void CheckPoolRoom(SqliteConnection c, PoolRow pool, long moreBytes)
    {
        if (pool.SizeBytes is not long size) return;
        var used = UsedBytes(c, pool);
        if (moreBytes > size - used)
            throw new ConfigurationException(ConfigurationError.StoragePoolFull,
                $"Storage pool '{pool.Name}' has {size - used} of {size} bytes free; {moreBytes} more were asked for.", pool.Name);
    }

    private static long UsedBytes(SqliteConnection c, PoolRow pool) =>
        SizeLimits.TrySum(LoadDisks(c).Where(d => d.PoolId == pool.Id).Select(d => SizeOf(d.Path)))
        ?? throw new ConfigurationException(ConfigurationError.StorageSizeOverflow, $"The backing devices of storage pool '{pool.Name}' add up to more than {long.MaxValue} bytes.", pool.Name);

    private static StoragePool ToPool(SqliteConnection c, ConfigSnapshot s, PoolRow pool) =>
        new(pool.Name, pool.PartitionId, s.FindPartition(pool.PartitionId)?.Name ?? "", pool.Path, pool.SizeBytes, UsedBytes(c, pool),
            LoadDisks(c).Where(d => d.PoolId == pool.Id).Select(d => d.Name).ToList());
}
