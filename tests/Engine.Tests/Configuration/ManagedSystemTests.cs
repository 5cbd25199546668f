using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Partitions and profiles: creation, changes, removal and activation rules.</summary>
public sealed class ManagedSystemTests : IDisposable
{
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public ManagedSystemTests() => _s = _temp.Open();

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    private static AdapterRequest Server(int slot, string? client = null, int? clientSlot = null, bool required = false) =>
        new(AdapterKind.Server, slot, client, clientSlot, required);

    private static AdapterRequest Client(int slot, string server, int serverSlot, bool required = false) =>
        new(AdapterKind.Client, slot, server, serverSlot, required);

    [Fact]
    public void CreatePartition_NoId_TakesLowestFreeIdAndDefaults()
    {
        _s.CreatePartition("a", PartitionType.Vios, id: 2);
        var p = _s.CreatePartition("b", PartitionType.AixLinux);
        Assert.Equal((1, PartitionState.NotActivated, ManagedSystem.DefaultMaxVirtualSlots, "default_profile"), (p.Id, p.State, p.MaxVirtualSlots, p.DefaultProfile));
        Assert.Equal(["default_profile"], p.Profiles);
    }

    [Theory]
    [InlineData("A", null, ConfigurationError.PartitionNameInUse)]
    [InlineData("b", 1, ConfigurationError.PartitionIdInUse)]
    [InlineData("b", 0, ConfigurationError.PartitionIdInvalid)]
    [InlineData("b", 1001, ConfigurationError.PartitionIdInvalid)]
    [InlineData("bad name", null, ConfigurationError.PartitionNameInvalid)]
    [InlineData("", null, ConfigurationError.PartitionNameInvalid)]
    public void CreatePartition_BadInput_Refused(string name, int? id, ConfigurationError error)
    {
        _s.CreatePartition("a", PartitionType.Vios);
        Refused.With(error, () => _s.CreatePartition(name, PartitionType.Vios, id));
        Assert.Single(_s.GetPartitions());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1025)]
    public void CreatePartition_MaxSlotsOutOfRange_Refused(int slots) =>
        Refused.With(ConfigurationError.MaxVirtualSlotsInvalid, () => _s.CreatePartition("a", PartitionType.Vios, maxVirtualSlots: slots));

    [Fact]
    public void UpdatePartition_Rename_RemoteNamesFollowAndPairSurvives()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
        _s.AddAdapter("lpar2", Client(3, "vios1", 11));
        _s.UpdatePartition("vios1", newName: "viosA");
        Assert.Equal("3/client/1/viosA/11/0", _s.GetProfile("lpar2", "default_profile").VirtualScsiAdapters);
        Assert.All(_s.GetAdapters(), a => Assert.Equal(PairingStatus.Paired, a.Pairing));
    }

    [Fact]
    public void UpdatePartition_MaxSlots_RefusedWhileRunningOrBelowUsedSlot()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.AddAdapter("vios1", Server(20));
        Refused.With(ConfigurationError.MaxVirtualSlotsInvalid, () => _s.UpdatePartition("vios1", maxVirtualSlots: 20));
        Assert.Equal(21, _s.UpdatePartition("vios1", maxVirtualSlots: 21).MaxVirtualSlots);
        _s.Activate("vios1");
        Refused.With(ConfigurationError.PartitionRunning, () => _s.UpdatePartition("vios1", maxVirtualSlots: 30));
    }

    [Fact]
    public void RemovePartition_PointedAtElsewhere_RefusedUnlessForced()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("lpar2", Client(3, "vios1", 11));
        var e = Refused.With(ConfigurationError.PartitionHasPairedAdapters, () => _s.RemovePartition("vios1", force: false));
        Assert.Contains("vscsi0 of 'lpar2'", e.Message);
        Assert.Equal(2, _s.GetPartitions().Count);

        var removed = _s.RemovePartition("vios1", force: true);
        Assert.Single(removed);
        Assert.Single(_s.GetPartitions());
        Assert.Empty(_s.GetAdapters("lpar2"));
    }

    [Fact]
    public void RemovePartition_Running_Refused()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.Activate("vios1");
        Refused.With(ConfigurationError.PartitionRunning, () => _s.RemovePartition("vios1", force: true));
    }

    [Fact]
    public void Profiles_HmcEdits_AddRemoveReplaceKeepNames()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.CreateProfile("vios1", "prod", "11/server/2/lpar2/3/1,12/server/any//any/0");
        _s.UpdateProfile("vios1", "prod", "virtual_scsi_adapters+=13/server//lpar2/4/0");
        Assert.Equal("11/server/2/lpar2/3/1,12/server/any//any/0,13/server//lpar2/4/0", _s.GetProfile("vios1", "prod").VirtualScsiAdapters);
        Refused.With(ConfigurationError.AdapterNotFound, () => _s.UpdateProfile("vios1", "prod", "virtual_scsi_adapters-=12/server/any//any/1"));
        _s.UpdateProfile("vios1", "prod", "virtual_scsi_adapters-=12/server/any//any/0");
        Assert.Equal(["vhost0", "vhost2"], _s.GetAdapters("vios1", profile: "prod").Select(a => a.Name));

        _s.UpdateProfile("vios1", "prod", "10/server/any//any/0,13/server//lpar2/4/0");
        Assert.Equal([("vhost0", 10), ("vhost2", 13)], _s.GetAdapters("vios1", profile: "prod").Select(a => (a.Name, a.Definition.Slot)));
        _s.UpdateProfile("vios1", "prod", "none");
        Assert.Equal("none", _s.GetProfile("vios1", "prod").VirtualScsiAdapters);
    }

    [Fact]
    public void Profiles_RefusedEntry_ChangesNothing()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreateProfile("vios1", "prod", "11/server/any//any/0");
        Refused.With(ConfigurationError.SlotInUse, () => _s.UpdateProfile("vios1", "prod", "12/server/any//any/0,12/server/any//any/1"));
        Assert.Equal("11/server/any//any/0", _s.GetProfile("vios1", "prod").VirtualScsiAdapters);
    }

    [Fact]
    public void Profiles_DefaultRemovalRefused_RenameFollowsDefault()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        Refused.With(ConfigurationError.DefaultProfileRemoval, () => _s.RemoveProfile("vios1", "default_profile"));
        Refused.With(ConfigurationError.ProfileNameInUse, () => _s.CreateProfile("vios1", "DEFAULT_PROFILE"));
        _s.UpdateProfile("vios1", "default_profile", newName: "normal");
        Assert.Equal("normal", _s.GetPartition("vios1").DefaultProfile);
        _s.CreateProfile("vios1", "other", makeDefault: true);
        _s.RemoveProfile("vios1", "normal");
        Assert.Equal(["other"], _s.GetPartition("vios1").Profiles);
    }

    [Fact]
    public void Activate_RequiredClientUnpaired_FailsNamingAdapter()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("lpar2", Client(3, "vios1", 11, required: true));
        var e = Refused.With(ConfigurationError.RequiredAdapterUnpaired, () => _s.Activate("lpar2"));
        Assert.Contains("vscsi0 in slot 3", e.Message);
        Assert.Equal(PartitionState.NotActivated, _s.GetPartition("lpar2").State);

        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
        var p = _s.Activate("lpar2");
        Assert.Equal((PartitionState.Running, "default_profile"), (p.State, p.RunningProfile));
        Refused.With(ConfigurationError.PartitionRunning, () => _s.Activate("lpar2"));
    }

    [Fact]
    public void DynamicAddRemove_Running_ChangesRunningAndOptionallyProfile()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.AddAdapter("vios1", Server(11, required: true));
        _s.Activate("vios1");
        _s.AddAdapter("vios1", Server(12));
        _s.AddAdapter("vios1", Server(13), saveToProfile: true);
        Assert.Equal([11, 12, 13], _s.GetAdapters("vios1").Select(a => a.Definition.Slot));
        Assert.Equal("11/server/any//any/1,13/server/any//any/0", _s.GetProfile("vios1", "default_profile").VirtualScsiAdapters);

        Refused.With(ConfigurationError.RequiredAdapterRemoval, () => _s.RemoveAdapter("vios1", AdapterKind.Server, null, 11));
        _s.RemoveAdapter("vios1", AdapterKind.Server, null, 11, force: true);
        _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost2", null, saveToProfile: true);
        Assert.Equal([12], _s.GetAdapters("vios1").Select(a => a.Definition.Slot));
        Assert.Equal("11/server/any//any/1", _s.GetProfile("vios1", "default_profile").VirtualScsiAdapters);

        _s.Deactivate("vios1");
        Assert.Equal([11], _s.GetAdapters("vios1").Select(a => a.Definition.Slot));
        Refused.With(ConfigurationError.PartitionNotRunning, () => _s.Deactivate("vios1"));
    }
}
