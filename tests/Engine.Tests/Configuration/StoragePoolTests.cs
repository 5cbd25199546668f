using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Storage pools and the backing devices carved from them (mksp / mkbdsp).</summary>
public sealed class StoragePoolTests : IDisposable
{
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public StoragePoolTests()
    {
        _s = _temp.Open();
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
    }

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    private string Folder(string name) => Path.Combine(_temp.Folder, name);

    [Fact]
    public void BackingDevices_CarvedWithinThePoolSize_UsedAndFreeReported()
    {
        var pool = _s.CreateStoragePool("vios1", "clients", Folder("clients"), 8L << 20);
        Assert.True(Directory.Exists(pool.Path));
        var root = _s.CreateBackingDevice("clients", "lpar2_root", 5L << 20);
        Assert.Equal((Path.Combine(pool.Path, "lpar2_root.img"), "clients"), (root.Path, root.Pool));
        var after = _s.GetStoragePools().Single();
        Assert.Equal((5L << 20, 3L << 20, 1), (after.UsedBytes, after.FreeBytes!.Value, after.BackingDevices.Count));
        Refused.With(ConfigurationError.StoragePoolFull, () => _s.CreateBackingDevice("clients", "too_big", 4L << 20));
        Assert.False(File.Exists(Path.Combine(pool.Path, "too_big.img")));
        Refused.With(ConfigurationError.StoragePoolFull, () => _s.GrowVirtualDisk("lpar2_root", 9L << 20));
        _s.GrowVirtualDisk("lpar2_root", 8L << 20);
        Assert.Equal(0L, _s.GetStoragePools().Single().FreeBytes);
    }

    [Fact]
    public void Pool_Rules()
    {
        Refused.With(ConfigurationError.StorageRequiresServerPartition, () => _s.CreateStoragePool("lpar2", "p", Folder("p")));
        _s.CreateStoragePool("vios1", "p", Folder("p"));
        Refused.With(ConfigurationError.StoragePoolNameInUse, () => _s.CreateStoragePool("vios1", "P", Folder("q")));
        Refused.With(ConfigurationError.StoragePoolPathInUse, () => _s.CreateStoragePool("vios1", "q", Folder("p")));
        Refused.With(ConfigurationError.StoragePoolNotFound, () => _s.CreateBackingDevice("nosuch", "d", 1 << 20));
        _s.CreateBackingDevice("p", "d", 1 << 20);                       // a pool without a size takes any amount
        Refused.With(ConfigurationError.StoragePoolNotEmpty, () => _s.RemoveStoragePool("p"));
        _s.RemoveVirtualDisk("d", deleteFile: true);
        _s.RemoveStoragePool("p");
        Assert.Empty(_s.GetStoragePools());
    }
}
