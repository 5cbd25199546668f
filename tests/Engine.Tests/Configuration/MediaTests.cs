using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>The media repository, optical media, tape cartridges and loading them into drives (mkrep, mkvopt, loadopt).</summary>
public sealed class MediaTests : IDisposable
{
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public MediaTests()
    {
        _s = _temp.Open();
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("vios2", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("vios1", Requests.Server(11));
    }

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    private string Folder(string name) => Path.Combine(_temp.Folder, name);

    private string Iso(string name, int sectors)
    {
        var path = Folder(name);
        File.WriteAllBytes(path, new byte[sectors * ManagedSystem.OpticalSectorSize]);
        return path;
    }

    [Fact]
    public void Repository_OnePerServerPartition_RemovedOnlyWhenEmpty()
    {
        Refused.With(ConfigurationError.StorageRequiresServerPartition, () => _s.CreateMediaRepository("lpar2", Folder("r")));
        Refused.With(ConfigurationError.MediaRepositoryNotFound, () => _s.CreateBlankMedia(null, "blank", 1 << 20));
        _s.CreateMediaRepository("vios1", Folder("lib1"), 4L << 20);
        Refused.With(ConfigurationError.MediaRepositoryExists, () => _s.CreateMediaRepository("vios1", Folder("other")));
        Refused.With(ConfigurationError.StoragePoolPathInUse, () => _s.CreateMediaRepository("vios2", Folder("lib1")));
        _s.CreateBlankMedia(null, "blank", 1 << 20);                        // the only repository: no partition needed
        Assert.Equal((1L << 20, 3L << 20), (_s.GetMediaRepositories().Single().UsedBytes, _s.GetMediaRepositories().Single().FreeBytes!.Value));
        Refused.With(ConfigurationError.MediaRepositoryFull, () => _s.CreateTapeCartridge(null, "tape", 4L << 20));
        Refused.With(ConfigurationError.MediaRepositoryNotEmpty, () => _s.RemoveMediaRepository("vios1"));
        _s.CreateMediaRepository("vios2", Folder("lib2"));
        Refused.With(ConfigurationError.PartitionRequired, () => _s.CreateBlankMedia(null, "another", 1 << 20));
        _s.RemoveMedia("blank");
        Assert.False(File.Exists(Path.Combine(Folder("lib1"), "blank.iso")));
        _s.RemoveMediaRepository("vios1");
        Assert.Single(_s.GetMediaRepositories());
    }

    [Fact]
    public void OpticalMedia_CopiedOrReferenced_FilesFollowOwnership()
    {
        _s.CreateMediaRepository("vios1", Folder("lib"));
        var source = Iso("install.iso", 8);
        var copied = _s.AddOpticalMedia(null, source, null, readOnly: true, reference: false);
        Assert.Equal(("install", Path.Combine(Folder("lib"), "install.iso"), true, true), (copied.Name, copied.Path, copied.Owned, copied.ReadOnly));
        var referenced = _s.AddOpticalMedia("vios1", Iso("other.iso", 4), "other", readOnly: false, reference: true);
        Assert.False(referenced.Owned);
        Refused.With(ConfigurationError.MediaNameInUse, () => _s.AddOpticalMedia(null, source, "INSTALL", true, true));
        Refused.With(ConfigurationError.MediaSizeInvalid, () => _s.AddOpticalMedia(null, WriteBytes("odd.iso", 1000), null, true, true));
        Refused.With(ConfigurationError.MediaFileError, () => _s.AddOpticalMedia(null, Folder("missing.iso"), null, true, true));
        Refused.With(ConfigurationError.MediaNameInvalid, () => _s.CreateBlankMedia(null, "bad/name", 2048));

        var renamed = _s.RenameMedia("install", "debian12");
        Assert.Equal(Path.Combine(Folder("lib"), "debian12.iso"), renamed.Path);
        Assert.True(File.Exists(renamed.Path));
        _s.RemoveMedia("other");
        Assert.True(File.Exists(referenced.Path));                             // a referenced file is kept
        Refused.With(ConfigurationError.MediaKindMismatch, () => _s.RemoveMedia("debian12", MediaKind.Tape));
    }

    [Fact]
    public void Drives_LoadRules_ReadOnlyShared_RewritableAndCartridgesExclusive()
    {
        _s.CreateMediaRepository("vios1", Folder("lib"));
        _s.AddOpticalMedia(null, Iso("ro.iso", 4), "ro", readOnly: true, reference: false);
        _s.CreateBlankMedia(null, "rw", 8192);
        _s.CreateTapeCartridge(null, "cart", 2L << 20);
        var cd0 = _s.AddDrive("vios1", "vhost0", TargetDeviceKind.Optical);
        var cd1 = _s.AddDrive("vios1", "vhost0", TargetDeviceKind.Optical);
        var tape = _s.AddDrive("vios1", "vhost0", TargetDeviceKind.Tape);
        Assert.Equal(("vtopt0", "vtopt1", "vttape0"), (cd0.Name, cd1.Name, tape.Name));
        Assert.Equal((0ul, 1ul, 2ul), (cd0.Lun, cd1.Lun, tape.Lun));
        Assert.NotEqual(cd0.UnitId, cd1.UnitId);
        Assert.Equal("", cd0.BackingDevice);

        _s.LoadMedia(null, "vtopt0", "ro", false);
        _s.LoadMedia(null, "vtopt1", "ro", false);
        Assert.Equal(["vtopt0", "vtopt1"], _s.GetMedia(kind: MediaKind.Optical).Single(m => m.Name == "ro").LoadedIn);
        Refused.With(ConfigurationError.DriveNotEmpty, () => _s.LoadMedia(null, "vtopt1", "rw", false));
        _s.LoadMedia(null, "vtopt1", "rw", force: true);
        _s.UnloadMedia(null, "vtopt0");
        Refused.With(ConfigurationError.MediaInUse, () => _s.LoadMedia(null, "vtopt0", "rw", false));
        Refused.With(ConfigurationError.DriveEmpty, () => _s.UnloadMedia(null, "vtopt0"));
        Refused.With(ConfigurationError.MediaKindMismatch, () => _s.LoadMedia(null, "vtopt0", "cart", false));
        Refused.With(ConfigurationError.MediaKindMismatch, () => _s.LoadMedia(null, "vttape0", "ro", false));
        Refused.With(ConfigurationError.MediaLoaded, () => _s.RemoveMedia("rw"));
        Refused.With(ConfigurationError.MediaLoaded, () => _s.RenameMedia("rw", "rw2"));
        var loaded = _s.LoadMedia("vios1", "vttape0", "cart", false);
        Assert.Equal(("cart", TargetDeviceKind.Tape), (loaded.BackingDevice, loaded.Kind));
        Assert.Equal(2L << 20, loaded.Media!.CapacityBytes);
    }

    [Fact]
    public void LoadMedia_LiveRefusal_LeavesTheConfigurationUnchanged()
    {
        _s.CreateMediaRepository("vios1", Folder("lib"));
        _s.CreateBlankMedia(null, "rw", 8192);
        _s.AddDrive("vios1", "vhost0", TargetDeviceKind.Optical);
        Assert.Throws<InvalidOperationException>(() => _s.LoadMedia(null, "vtopt0", "rw", false, (_, _) => throw new InvalidOperationException("served drive refused")));
        Assert.Empty(_s.GetMedia().Single().LoadedIn);
        var disk = _s.CreateVirtualDisk("vios1", "d", Folder("d.img"), 1 << 20);
        _s.AddTargetDevice("vios1", "vhost0", disk.Name);
        Refused.With(ConfigurationError.NotADrive, () => _s.LoadMedia(null, "vtscsi0", "rw", false));
        Refused.With(ConfigurationError.TargetDeviceNotFound, () => _s.LoadMedia(null, "vtopt9", "rw", false));
    }

    [Fact]
    public void Mappings_ListDrivesWithTheirMedia_AndDrivesSurviveReopening()
    {
        _s.CreateMediaRepository("vios1", Folder("lib"));
        _s.CreateTapeCartridge(null, "cart", 2L << 20);
        var tape = _s.AddDrive("vios1", "vhost0", TargetDeviceKind.Tape);
        _s.LoadMedia(null, "vttape0", "cart", false);
        using var again = ManagedSystem.Open(_temp.Folder);
        var device = again.GetMappings("vios1").Single().Devices.Single();
        Assert.Equal((TargetDeviceKind.Tape, tape.UnitId, "cart"), (device.Kind, device.UnitId, device.BackingDevice));
        Assert.True(File.Exists(device.BackingPath));
    }

    private string WriteBytes(string name, int length)
    {
        var path = Folder(name);
        File.WriteAllBytes(path, new byte[length]);
        return path;
    }
}
