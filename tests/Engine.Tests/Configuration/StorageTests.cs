using System.Diagnostics;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Virtual disks and virtual target devices (mkvdev / lsmap / rmvdev) in the configuration.</summary>
public sealed class StorageTests : IDisposable
{
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public StorageTests()
    {
        _s = _temp.Open();
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.CreatePartition("vios2", PartitionType.Vios);
        _s.AddAdapter("vios1", Requests.Server(11, "lpar2", 3));
        _s.AddAdapter("lpar2", Requests.Client(3, "vios1", 11));
    }

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    private string Image(string name) => Path.Combine(_temp.Folder, "images", name + ".img");

    [Fact]
    public void CreateVirtualDisk_New_SparseFileOfTheSize()
    {
        var disk = _s.CreateVirtualDisk("vios1", "lpar2_root", Image("root"), 64L << 20);
        Assert.True(File.Exists(disk.Path));
        Assert.Equal((64L << 20, 512, true), (disk.SizeBytes, disk.BlockSize, disk.CreatedByVScsi));
        Assert.Matches("^[0-9A-F]{16}$", disk.Serial);
        if (OperatingSystem.IsLinux())
        {
            using var du = Process.Start(new ProcessStartInfo("du", ["-k", disk.Path]) { RedirectStandardOutput = true })!;
            Assert.True(long.Parse(du.StandardOutput.ReadToEnd().Split('\t')[0]) < 1024);
        }
    }

    [Fact]
    public void CreateVirtualDisk_ExistingImage_RegisteredWithoutTouchingIt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Image("x"))!);
        File.WriteAllBytes(Image("existing"), new byte[8192]);
        var disk = _s.CreateVirtualDisk("vios1", "old", Image("existing"), null);
        Assert.Equal((8192L, false), (disk.SizeBytes, disk.CreatedByVScsi));
        Refused.With(ConfigurationError.VirtualDiskPathInUse, () => _s.CreateVirtualDisk("vios1", "again", Image("existing"), null));
    }

    [Fact]
    public void CreateVirtualDisk_BadInput_RefusedAndNoFileLeft()
    {
        Refused.With(ConfigurationError.StorageRequiresServerPartition, () => _s.CreateVirtualDisk("lpar2", "d", Image("a"), 1 << 20));
        Refused.With(ConfigurationError.VirtualDiskSizeInvalid, () => _s.CreateVirtualDisk("vios1", "d", Image("a"), 1000));
        Refused.With(ConfigurationError.VirtualDiskFileError, () => _s.CreateVirtualDisk("vios1", "d", Image("missing"), null));
        _s.CreateVirtualDisk("vios1", "d", Image("a"), 1 << 20);
        Refused.With(ConfigurationError.VirtualDiskNameInUse, () => _s.CreateVirtualDisk("vios1", "D", Image("b"), 1 << 20));
        Refused.With(ConfigurationError.VirtualDiskPathInUse, () => _s.CreateVirtualDisk("vios1", "e", Image("a"), 1 << 20));
        Assert.False(File.Exists(Image("b")));
        Assert.Single(_s.GetVirtualDisks());
    }

    [Fact]
    public void AddTargetDevice_LunsInOrderWithViosNames()
    {
        _s.CreateVirtualDisk("vios1", "d0", Image("d0"), 1 << 20);
        _s.CreateVirtualDisk("vios1", "d1", Image("d1"), 1 << 20);
        var first = _s.AddTargetDevice("vios1", "vhost0", "d0");
        var second = _s.AddTargetDevice("vios1", "vhost0", Image("d1"));
        Assert.Equal(("vtscsi0", 0ul, "0x8100000000000000"), (first.Name, first.Lun, first.ViosLun));
        Assert.Equal(("vtscsi1", 1ul, "0x8200000000000000", "vhost0"), (second.Name, second.Lun, second.ViosLun, second.ServerAdapter));
        var mapping = Assert.Single(_s.GetMappings("vios1"));
        Assert.Equal((2, "vhost0", 2), (mapping.ClientPartitionId, mapping.ServerAdapter.Name, mapping.Devices.Count));
        Assert.Equal(["vtscsi0"], _s.GetVirtualDisks().Single(d => d.Name == "d0").MappedAs);
    }

    [Fact]
    public void AddTargetDevice_RulesRefused()
    {
        _s.CreateVirtualDisk("vios1", "d0", Image("d0"), 1 << 20);
        _s.CreateVirtualDisk("vios2", "other", Image("o"), 1 << 20);
        _s.AddTargetDevice("vios1", "vhost0", "d0");
        Refused.With(ConfigurationError.BackingDeviceInUse, () => _s.AddTargetDevice("vios1", "vhost0", "d0"));
        Refused.With(ConfigurationError.BackingDeviceNotOwned, () => _s.AddTargetDevice("vios1", "vhost0", "other"));
        Refused.With(ConfigurationError.VirtualDiskNotFound, () => _s.AddTargetDevice("vios1", "vhost0", "nosuch"));
        Refused.With(ConfigurationError.AdapterNotFound, () => _s.AddTargetDevice("vios1", "vhost7", "d0"));
        Refused.With(ConfigurationError.VirtualDiskMapped, () => _s.RemoveVirtualDisk("d0", deleteFile: true));
        Assert.True(File.Exists(Image("d0")));
    }

    [Fact]
    public void ShareableDisk_MapsTwice()
    {
        _s.AddAdapter("vios1", Requests.Server(12));
        _s.CreateVirtualDisk("vios1", "shared", Image("s"), 1 << 20, shareable: true);
        _s.AddTargetDevice("vios1", "vhost0", "shared");
        Assert.Equal(0ul, _s.AddTargetDevice("vios1", "vhost1", "shared").Lun);
    }

    [Fact]
    public void RemoveTargetDeviceThenDisk_FreesLunAndDeletesFile()
    {
        _s.CreateVirtualDisk("vios1", "d0", Image("d0"), 1 << 20);
        _s.CreateVirtualDisk("vios1", "d1", Image("d1"), 1 << 20);
        _s.AddTargetDevice("vios1", "vhost0", "d0");
        _s.AddTargetDevice("vios1", "vhost0", "d1");
        Refused.With(ConfigurationError.TargetDeviceNotFound, () => _s.RemoveTargetDevice("vios1", "vtscsi9"));
        _s.RemoveTargetDevice("vios1", "vtscsi0");
        _s.RemoveVirtualDisk("d0", deleteFile: true);
        Assert.False(File.Exists(Image("d0")));
        _s.CreateVirtualDisk("vios1", "d2", Image("d2"), 1 << 20);
        Assert.Equal(0ul, _s.AddTargetDevice("vios1", "vhost0", "d2").Lun);
    }
}

/// <summary>A database written by the first release (schema 1) opens in this one with its data.</summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_Schema1Database_UpgradesAndKeepsPartitions()
    {
        using (var v1 = ManagedSystem.Open(_temp.Folder, new ManagedSystemOptions(), [Schema.Migrations[0]]))
            v1.CreatePartition("vios1", PartitionType.Vios);
        using var current = _temp.Open();
        Assert.Equal(Schema.Migrations.Count, current.GetSystem().SchemaVersion);
        Assert.Equal("vios1", current.GetPartition("vios1").Name);
        Assert.Empty(current.GetVirtualDisks());
    }
}

/// <summary>Removing a partition that owns virtual disks.</summary>
public sealed class PartitionStorageRemovalTests : IDisposable
{
    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void RemovePartition_OwningDisks_RefusedUnlessForcedAndFilesKept()
    {
        using var s = _temp.Open();
        s.CreatePartition("vios1", PartitionType.Vios);
        var image = Path.Combine(_temp.Folder, "d.img");
        s.CreateVirtualDisk("vios1", "d", image, 1 << 20);
        Refused.With(ConfigurationError.PartitionHasStorage, () => s.RemovePartition("vios1", force: false));
        Assert.Contains(s.RemovePartition("vios1", force: true), r => r.Contains("virtual disk d"));
        Assert.Empty(s.GetVirtualDisks());
        Assert.True(File.Exists(image));
    }
}
