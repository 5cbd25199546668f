using VScsi.Engine.Configuration;
using static VScsi.Engine.Tests.Configuration.Requests;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>
/// <see cref="ManagedSystem"/>: partitions here; profiles, adapters and activation in the other
/// parts of this class, mirroring the engine's partial files.
/// </summary>
public sealed partial class ManagedSystemTests : IDisposable
{
    private const string Default = ManagedSystem.DefaultProfileName;
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public ManagedSystemTests() => _s = _temp.Open();

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    /// <summary>vios1 (Vios, id 1) serving lpar2 (AixLinux, id 2): vios1 slot 11 ↔ lpar2 slot 3.</summary>
    private void CreatePair(bool required = false)
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("vios1", Server(11, "lpar2", 3, required));
        _s.AddAdapter("lpar2", Client(3, "vios1", 11, required));
    }

    [Fact]
    public void CreatePartition_Defaults_NotActivatedWithDefaultProfileAndSlots()
    {
        var p = _s.CreatePartition("vios1", PartitionType.Vios);
        Assert.Equal((1, "vios1", PartitionType.Vios, PartitionState.NotActivated, ManagedSystem.DefaultMaxVirtualSlots, Default, (string?)null),
            (p.Id, p.Name, p.Type, p.State, p.MaxVirtualSlots, p.DefaultProfile, p.RunningProfile));
        Assert.Equal([Default], p.Profiles);
        Assert.Equal(ManagedSystem.DefaultMaxVirtualSlots, _s.GetProfile("vios1", Default).MaxVirtualSlots);
        Assert.True(_s.GetProfile("vios1", Default).IsDefault);
        ConfigAssert.Profile(_s, "vios1", Default, "none");
    }

    [Fact]
    public void CreatePartition_NoId_TakesLowestFreeId()
    {
        _s.CreatePartition("a", PartitionType.Vios, id: 2);
        _s.CreatePartition("b", PartitionType.Vios, id: 4);
        Assert.Equal(1, _s.CreatePartition("c", PartitionType.AixLinux).Id);
        Assert.Equal(3, _s.CreatePartition("d", PartitionType.AixLinux).Id);
        Assert.Equal(5, _s.CreatePartition("e", PartitionType.AixLinux).Id);
        _s.RemovePartition("d", force: false);
        Assert.Equal(3, _s.CreatePartition("f", PartitionType.IbmI).Id);
        Assert.Equal([1, 2, 3, 4, 5], _s.GetPartitions().Select(p => p.Id));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(ManagedSystem.MaxPartitionId)]
    public void CreatePartition_ExplicitId_Kept(int id)
    {
        Assert.Equal(id, _s.CreatePartition("a", PartitionType.IbmI, id: id).Id);
        Assert.Equal("a", _s.GetPartition(id.ToString()).Name);
    }

    [Theory]
    [InlineData("vios1", null, ConfigurationError.PartitionNameInUse)]
    [InlineData("VIOS1", null, ConfigurationError.PartitionNameInUse)]
    [InlineData("Vios1", 5, ConfigurationError.PartitionNameInUse)]
    [InlineData("other", 1, ConfigurationError.PartitionIdInUse)]
    [InlineData("other", 0, ConfigurationError.PartitionIdInvalid)]
    [InlineData("other", -1, ConfigurationError.PartitionIdInvalid)]
    [InlineData("other", ManagedSystem.MaxPartitionId + 1, ConfigurationError.PartitionIdInvalid)]
    [InlineData("bad name", null, ConfigurationError.PartitionNameInvalid)]
    [InlineData("bad/name", null, ConfigurationError.PartitionNameInvalid)]
    [InlineData("bad,name", null, ConfigurationError.PartitionNameInvalid)]
    [InlineData("", null, ConfigurationError.PartitionNameInvalid)]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh", null, ConfigurationError.PartitionNameInvalid)] // 48 characters
    public void CreatePartition_BadNameOrId_RefusedChangingNothing(string name, int? id, ConfigurationError error)
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        var e = Refused.Unchanged(_s, error, () => _s.CreatePartition(name, PartitionType.Vios, id));
        Assert.NotNull(e.Target);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("VIOS_1.prod-a")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefg")] // 47 characters, HMC's limit
    public void CreatePartition_ValidName_Accepted(string name) =>
        Assert.Equal(name, _s.CreatePartition(name, PartitionType.AixLinux).Name);

    [Theory]
    [InlineData(ManagedSystem.MinMaxVirtualSlots)]
    [InlineData(10)]
    [InlineData(ManagedSystem.MaxMaxVirtualSlots)]
    public void CreatePartition_MaxSlotsInRange_Kept(int slots)
    {
        Assert.Equal(slots, _s.CreatePartition("a", PartitionType.Vios, maxVirtualSlots: slots).MaxVirtualSlots);
        Assert.Equal(slots, _s.GetProfile("a", Default).MaxVirtualSlots);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ManagedSystem.MinMaxVirtualSlots - 1)]
    [InlineData(ManagedSystem.MaxMaxVirtualSlots + 1)]
    public void CreatePartition_MaxSlotsOutOfRange_Refused(int slots)
    {
        Refused.With(ConfigurationError.MaxVirtualSlotsInvalid, () => _s.CreatePartition("a", PartitionType.Vios, maxVirtualSlots: slots));
        Assert.Empty(_s.GetPartitions());
    }

    [Fact]
    public void CreatePartition_NamedProfile_BecomesDefault()
    {
        var p = _s.CreatePartition("a", PartitionType.Vios, profileName: "normal");
        Assert.Equal("normal", p.DefaultProfile);
        Assert.Equal(["normal"], p.Profiles);
        Refused.With(ConfigurationError.ProfileNameInvalid, () => _s.CreatePartition("b", PartitionType.Vios, profileName: "no good"));
        Assert.Single(_s.GetPartitions());
    }

    [Theory]
    [InlineData("vios1")]
    [InlineData("VIOS1")]
    [InlineData("1")]
    public void GetPartition_NameAnyCaseOrId_Found(string nameOrId)
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        Assert.Equal((1, "vios1"), (_s.GetPartition(nameOrId).Id, _s.GetPartition(nameOrId).Name));
    }

    [Fact]
    public void GetPartition_Unknown_PartitionNotFound()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        Refused.With(ConfigurationError.PartitionNotFound, () => _s.GetPartition("vios2"));
        Refused.With(ConfigurationError.PartitionNotFound, () => _s.GetPartition("2"));
    }

    [Fact]
    public void UpdatePartition_Rename_RemoteNamesInOtherPartitionsFollowAndPairsSurvive()
    {
        CreatePair();
        _s.CreateProfile("lpar2", "spare", "4/client//vios1/12/0");
        _s.UpdatePartition("vios1", newName: "viosA");
        ConfigAssert.Profile(_s, "lpar2", Default, "3/client/1/viosA/11/0");
        ConfigAssert.Profile(_s, "lpar2", "spare", "4/client//viosA/12/0");
        ConfigAssert.Paired(_s, "lpar2", 3, "viosA", "vhost0");
        ConfigAssert.Paired(_s, "viosA", 11, "lpar2", "vscsi0");

        _s.UpdatePartition("lpar2", newName: "lparB");
        ConfigAssert.Profile(_s, "viosA", Default, "11/server/2/lparB/3/0");
        ConfigAssert.Paired(_s, "viosA", 11, "lparB", "vscsi0");
        Assert.Empty(_s.Test());
    }

    [Fact]
    public void UpdatePartition_RenameRunning_RunningConfigurationFollows()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.Activate("lpar2");
        _s.UpdatePartition("vios1", newName: "viosA");
        Assert.Equal("viosA", ConfigAssert.Adapter(_s, "lpar2", 3).Definition.RemoteName);
        ConfigAssert.Paired(_s, "lpar2", 3, "viosA", "vhost0");
    }

    [Fact]
    public void UpdatePartition_RenameCaseOnly_Allowed()
    {
        CreatePair();
        Assert.Equal("VIOS1", _s.UpdatePartition("vios1", newName: "VIOS1").Name);
        ConfigAssert.Profile(_s, "lpar2", Default, "3/client/1/VIOS1/11/0");
    }

    [Theory]
    [InlineData("LPAR2", ConfigurationError.PartitionNameInUse)]
    [InlineData("bad name", ConfigurationError.PartitionNameInvalid)]
    [InlineData("", ConfigurationError.PartitionNameInvalid)]
    public void UpdatePartition_BadNewName_RefusedChangingNothing(string newName, ConfigurationError error)
    {
        CreatePair();
        Refused.Unchanged(_s, error, () => _s.UpdatePartition("vios1", newName: newName));
    }

    [Fact]
    public void UpdatePartition_MaxSlotsWhileRunning_PartitionRunning()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.Activate("vios1");
        Refused.Unchanged(_s, ConfigurationError.PartitionRunning, () => _s.UpdatePartition("vios1", maxVirtualSlots: 100));
        _s.Deactivate("vios1");
        Assert.Equal(100, _s.UpdatePartition("vios1", maxVirtualSlots: 100).MaxVirtualSlots);
    }

    [Theory]
    [InlineData(20, false)]
    [InlineData(15, false)]
    [InlineData(21, true)]
    public void UpdatePartition_MaxSlotsAgainstHighestUsedSlot_RefusedBelowIt(int slots, bool accepted)
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.AddAdapter("vios1", Server(12));
        _s.AddAdapter("vios1", Server(20));
        if (accepted)
        {
            Assert.Equal(slots, _s.UpdatePartition("vios1", maxVirtualSlots: slots).MaxVirtualSlots);
            return;
        }
        var e = Refused.Unchanged(_s, ConfigurationError.MaxVirtualSlotsInvalid, () => _s.UpdatePartition("vios1", maxVirtualSlots: slots));
        Assert.Contains("slot 20", e.Message);
    }

    [Fact]
    public void UpdatePartition_DefaultProfile_SwitchesDefaultAndEffectiveSlots()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreateProfile("vios1", "big", maxVirtualSlots: 300);
        var p = _s.UpdatePartition("vios1", defaultProfile: "BIG");
        Assert.Equal(("big", 300), (p.DefaultProfile, p.MaxVirtualSlots));
        Refused.Unchanged(_s, ConfigurationError.ProfileNotFound, () => _s.UpdatePartition("vios1", defaultProfile: "nosuch"));
    }

    [Fact]
    public void RemovePartition_OtherAdaptersPointAtIt_PartitionHasPairedAdapters()
    {
        CreatePair();
        var e = Refused.Unchanged(_s, ConfigurationError.PartitionHasPairedAdapters, () => _s.RemovePartition("vios1", force: false));
        Assert.Contains("vscsi0 of 'lpar2'", e.Message);
        Refused.Unchanged(_s, ConfigurationError.PartitionHasPairedAdapters, () => _s.RemovePartition("lpar2", force: false));
    }

    [Fact]
    public void RemovePartition_Force_RemovesDanglingDefinitionsEverywhere()
    {
        CreatePair();
        _s.CreatePartition("lpar3", PartitionType.AixLinux);
        _s.AddAdapter("vios1", Server(12, "lpar3", 3));
        _s.AddAdapter("lpar3", Client(3, "vios1", 12));
        _s.CreateProfile("lpar3", "spare", "5/client/1//13/0,6/client//vios1/14/0");
        _s.CreatePartition("vios4", PartitionType.Vios);
        _s.AddAdapter("vios4", Server(11, "lpar2", 4));
        _s.AddAdapter("lpar2", Client(4, "vios4", 11));

        var removed = _s.RemovePartition("vios1", force: true);

        Assert.Equal(4, removed.Count);
        Assert.Equal(["lpar2", "lpar3", "vios4"], _s.GetPartitions().Select(p => p.Name));
        ConfigAssert.Profile(_s, "lpar2", Default, "4/client/4/vios4/11/0");
        ConfigAssert.Profile(_s, "lpar3", Default, "none");
        ConfigAssert.Profile(_s, "lpar3", "spare", "none");
        ConfigAssert.Paired(_s, "vios4", 11, "lpar2", "vscsi1");
        Refused.With(ConfigurationError.PartitionNotFound, () => _s.GetPartition("vios1"));
    }

    [Fact]
    public void RemovePartition_ForceWhileOtherRuns_RemovesFromRunningConfigurationToo()
    {
        CreatePair();
        _s.Activate("lpar2");
        _s.RemovePartition("vios1", force: true);
        ConfigAssert.Adapters(_s, "lpar2");
        ConfigAssert.Profile(_s, "lpar2", Default, "none");
        Assert.Equal(PartitionState.Running, _s.GetPartition("lpar2").State);
    }

    [Fact]
    public void RemovePartition_NothingPointsAtIt_RemovedWithItsProfilesAndAdapters()
    {
        CreatePair();
        _s.CreatePartition("vios3", PartitionType.Vios);
        _s.AddAdapter("vios3", Server(11));
        _s.CreateProfile("vios3", "spare", "12/server/any//any/0");
        Assert.Empty(_s.RemovePartition("vios3", force: false));
        Assert.Equal(["vios1", "lpar2"], _s.GetPartitions().Select(p => p.Name));
        Assert.DoesNotContain(_s.GetProfiles(), p => p.PartitionName == "vios3");
        Assert.Equal(2, _s.GetAdapters().Count);
    }

    [Fact]
    public void RemovePartition_Running_PartitionRunningEvenWithForce()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.Activate("vios1");
        Refused.Unchanged(_s, ConfigurationError.PartitionRunning, () => _s.RemovePartition("vios1", force: true));
        _s.Deactivate("vios1");
        _s.RemovePartition("vios1", force: false);
        Assert.Empty(_s.GetPartitions());
    }

    [Fact]
    public void RemovePartition_Unknown_PartitionNotFound() =>
        Refused.With(ConfigurationError.PartitionNotFound, () => _s.RemovePartition("nosuch", force: true));

    [Fact]
    public void Open_SecondHandle_SeesCommittedChanges()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        using var other = _temp.Open();
        Assert.Equal("vios1", Assert.Single(other.GetPartitions()).Name);
        other.CreatePartition("lpar2", PartitionType.AixLinux);
        Assert.Equal(2, _s.GetPartitions().Count);
        Assert.Equal(_temp.DatabasePath, _s.DatabasePath);
    }
}
