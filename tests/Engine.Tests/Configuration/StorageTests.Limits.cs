using VScsi.Engine.Configuration;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Issue 10 defects 6 and 7 in the engine: sizes within the product maxima, no backing path on a system file, whole blocks only.</summary>
public sealed class StorageLimitTests : IDisposable
{
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public StorageLimitTests()
    {
        _s = _temp.Open();
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreateMediaRepository("vios1", Path.Combine(_temp.Folder, "VMLibrary"));
    }

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData(SizeLimits.MaxDiskBytes + 512)]
    [InlineData(long.MaxValue - 511)]
    public void CreateVirtualDisk_BeyondTheMaximum_VirtualDiskSizeInvalidNoFile(long size)
    {
        var path = Path.Combine(_temp.Folder, "big.img");
        Refused.Unchanged(_s, ConfigurationError.VirtualDiskSizeInvalid, () => _s.CreateVirtualDisk("vios1", "big", path, size));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(SizeLimits.MaxCartridgeBytes + 1)]
    [InlineData(long.MaxValue)]
    public void CreateTapeCartridge_BeyondTheMaximum_MediaSizeInvalid(long capacity) =>
        Refused.Unchanged(_s, ConfigurationError.MediaSizeInvalid, () => _s.CreateTapeCartridge("vios1", "huge", capacity));

    [Fact]
    public void CreateTapeCartridge_AtTheMaximumTwice_RepositoryTotalsAdd()
    {
        _s.CreateTapeCartridge("vios1", "a", SizeLimits.MaxCartridgeBytes);
        _s.CreateTapeCartridge("vios1", "b", SizeLimits.MaxCartridgeBytes);
        Assert.Equal(2 * SizeLimits.MaxCartridgeBytes, _s.GetMediaRepositories("vios1").Single().UsedBytes);
        Assert.NotNull(_s.ExportConfiguration());
    }

    [Fact]
    public void CreateStoragePool_BeyondTheMaximum_StoragePoolSizeInvalid()
    {
        Refused.Unchanged(_s, ConfigurationError.StoragePoolSizeInvalid, () => _s.CreateStoragePool("vios1", "p", Path.Combine(_temp.Folder, "p"), long.MaxValue));
        Refused.Unchanged(_s, ConfigurationError.StoragePoolSizeInvalid, () => _s.CreateStoragePool("vios1", "p", Path.Combine(_temp.Folder, "p"), 0));
    }

    [Fact]
    public void CreateBackingDevice_InAPoolOfMaximumSize_NoOverflowInTheRoomCheck()
    {
        _s.CreateStoragePool("vios1", "p", Path.Combine(_temp.Folder, "p"), SizeLimits.MaxPoolBytes);
        _s.CreateBackingDevice("p", "a", 1 << 20);
        Refused.Unchanged(_s, ConfigurationError.VirtualDiskSizeInvalid, () => _s.CreateBackingDevice("p", "b", long.MaxValue - 511));
        Assert.Equal(1L << 20, _s.GetStoragePools().Single().UsedBytes);
    }

    [Fact]
    public void TrySum_Overflow_Null() =>
        Assert.Equal((null, 3L), (SizeLimits.TrySum([long.MaxValue, 1]), SizeLimits.TrySum([1, 2])));

    [Theory]
    [InlineData("system.db")]
    [InlineData("system.db-wal")]
    [InlineData("system.db-journal")]
    [InlineData("system.db.new-0123")]
    [InlineData("iscsi-secrets.json")]
    [InlineData("serve-3.lock")]
    [InlineData("serve-3.sock")]
    public void CreateVirtualDisk_OnASystemFileByName_BackingPathReserved(string file)
    {
        var path = Path.Combine(_temp.Folder, file);
        var existed = File.Exists(path);
        var e = Refused.Unchanged(_s, ConfigurationError.BackingPathReserved, () => _s.CreateVirtualDisk("vios1", "cfg", path, 1 << 20));
        Assert.Contains(path, e.Message);
        Assert.Equal(existed, File.Exists(path));
    }

    [Fact]
    public void CreateVirtualDisk_HardLinkToTheDatabaseElsewhere_BackingPathReserved()
    {
        var link = Path.Combine(Path.GetTempPath(), "vscsi-hardlink-" + Guid.NewGuid().ToString("N") + ".img");
        using (var ln = System.Diagnostics.Process.Start("ln", [_temp.DatabasePath, link])) ln.WaitForExit();
        try
        {
            Assert.True(File.Exists(link));
            var e = Refused.Unchanged(_s, ConfigurationError.BackingPathReserved, () => _s.CreateVirtualDisk("vios1", "cfg", link, null));
            Assert.Contains("configuration database", e.Message);
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public void CreateVirtualDisk_SymbolicLinkToADisksSideFile_BackingPathReserved()
    {
        var disk = _s.CreateVirtualDisk("vios1", "root", Path.Combine(_temp.Folder, "root.img"), 1 << 20);
        File.WriteAllBytes(disk.Path + ".cbt", new byte[4096]);
        var link = Path.Combine(_temp.Folder, "innocent.img");
        File.CreateSymbolicLink(link, disk.Path + ".cbt");
        Refused.Unchanged(_s, ConfigurationError.BackingPathReserved, () => _s.CreateVirtualDisk("vios1", "cbt", link, null));
    }

    [Theory]
    [InlineData(1000, 512)]
    [InlineData(6144, 4096)]
    public void CreateVirtualDisk_ExistingFileNotWholeBlocks_BackingSizeNotBlockAligned(int length, int blockSize)
    {
        var path = Path.Combine(_temp.Folder, "odd.img");
        File.WriteAllBytes(path, new byte[length]);
        Refused.Unchanged(_s, ConfigurationError.BackingSizeNotBlockAligned, () => _s.CreateVirtualDisk("vios1", "odd", path, null, blockSize));
        Assert.Equal(length, new FileInfo(path).Length);
    }

    [Fact]
    public void GrowVirtualDisk_BeyondTheMaximum_VirtualDiskSizeInvalidSizeKept()
    {
        _s.CreateVirtualDisk("vios1", "root", Path.Combine(_temp.Folder, "root.img"), 1 << 20);
        Refused.Unchanged(_s, ConfigurationError.VirtualDiskSizeInvalid, () => _s.GrowVirtualDisk("root", SizeLimits.MaxDiskBytes + 512));
        Assert.Equal(1L << 20, _s.GetVirtualDisks().Single().SizeBytes);
    }
}
