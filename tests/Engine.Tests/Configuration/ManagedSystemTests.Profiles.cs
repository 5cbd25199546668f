using VScsi.Engine.Configuration;
using static VScsi.Engine.Tests.Configuration.Requests;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Partition profiles: HMC syntax in and out, <c>+=</c>/<c>-=</c> edits, names and the default profile.</summary>
public sealed partial class ManagedSystemTests
{
    /// <summary>Two VIOS for the dual-VIOS example, a client lpar3 (id 3) and nim1 (id 5, Vios).</summary>
    private void CreateProfileFixture()
    {
        _s.CreatePartition("VIOserver1", PartitionType.Vios);
        _s.CreatePartition("VIOserver2", PartitionType.Vios);
        _s.CreatePartition("lpar3", PartitionType.AixLinux);
        _s.CreatePartition("lpar4", PartitionType.AixLinux);
        _s.CreatePartition("nim1", PartitionType.Vios, id: 5);
    }

    [Theory]
    [InlineData("lpar3", "20/client//VIOserver1/23/1,21/client//VIOserver2/23/1")]
    [InlineData("lpar3", "2/client/5//33/0")]
    [InlineData("lpar3", "2/client/5/nim1/33/0,3/client/1//4/1")]
    [InlineData("VIOserver1", "2/server/5/nim1/3/0")]
    [InlineData("VIOserver1", "4/server/any//any/1")]
    [InlineData("VIOserver1", "4/server/3//any/0,5/server//lpar4/7/1,6/server/any//9/0")]
    [InlineData("VIOserver1", "none")]
    public void CreateProfile_HmcSyntax_RoundTripsExactlyThroughTheDatabase(string partition, string value)
    {
        CreateProfileFixture();
        Assert.Equal(value, _s.CreateProfile(partition, "prod", value).VirtualScsiAdapters);
        ConfigAssert.Profile(_s, partition, "prod", value);
        using var reopened = _temp.Open();
        Assert.Equal(value, reopened.GetProfile(partition, "prod").VirtualScsiAdapters);
        Assert.Equal(value, reopened.GetProfiles(partition).Single(p => p.Name == "prod").VirtualScsiAdapters);
    }

    [Theory]
    [InlineData("\"virtual_scsi_adapters=20/client//VIOserver1/23/1,21/client//VIOserver2/23/1\"")]
    [InlineData("virtual_scsi_adapters+=20/client//VIOserver1/23/1,21/client//VIOserver2/23/1")]
    public void CreateProfile_PrefixedValue_StoresTheList(string value)
    {
        CreateProfileFixture();
        _s.CreateProfile("lpar3", "prod", value);
        ConfigAssert.Profile(_s, "lpar3", "prod", "20/client//VIOserver1/23/1,21/client//VIOserver2/23/1");
        Assert.Equal(["vscsi0", "vscsi1"], _s.GetAdapters("lpar3", profile: "prod").Select(a => a.Name));
    }

    [Fact]
    public void CreateProfile_RemoveEdit_InvalidAdapterSyntax()
    {
        CreateProfileFixture();
        Refused.Unchanged(_s, ConfigurationError.InvalidAdapterSyntax, () => _s.CreateProfile("lpar3", "prod", "virtual_scsi_adapters-=2/client/5//33/0"));
    }

    [Theory]
    [InlineData("prod", "2/client/5//33/0,2/client/5//34/0", ConfigurationError.SlotInUse)]
    [InlineData("prod", "2/server/any//any/0", ConfigurationError.ServerAdapterRequiresServerPartition)]
    [InlineData("prod", "2/client/5//33", ConfigurationError.InvalidAdapterSyntax)]
    [InlineData("prod", "2/client/9//33/0", ConfigurationError.PartitionNotFound)]
    [InlineData("prod", "64/client/5//33/0", ConfigurationError.SlotOutOfRange)]
    [InlineData("DEFAULT_PROFILE", null, ConfigurationError.ProfileNameInUse)]
    [InlineData("no good", null, ConfigurationError.ProfileNameInvalid)]
    [InlineData("", null, ConfigurationError.ProfileNameInvalid)]
    public void CreateProfile_Refused_LeavesNoProfileBehind(string name, string? value, ConfigurationError error)
    {
        CreateProfileFixture();
        Refused.Unchanged(_s, error, () => _s.CreateProfile("lpar3", name, value));
    }

    [Fact]
    public void CreateProfile_MakeDefault_BecomesDefault()
    {
        CreateProfileFixture();
        var profile = _s.CreateProfile("lpar3", "prod", "2/client/5//33/0", maxVirtualSlots: 40, makeDefault: true);
        Assert.Equal((true, 40), (profile.IsDefault, profile.MaxVirtualSlots));
        Assert.Equal(("prod", 40), (_s.GetPartition("lpar3").DefaultProfile, _s.GetPartition("lpar3").MaxVirtualSlots));
        Assert.False(_s.GetProfile("lpar3", Default).IsDefault);
        ConfigAssert.Adapters(_s, "lpar3", ("vscsi0", 2));
    }

    [Fact]
    public void UpdateProfile_AddEdit_AppendsEntries()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/3/lpar3/3/1");
        _s.UpdateProfile("VIOserver1", "prod", "virtual_scsi_adapters+=12/server/any//any/0");
        _s.UpdateProfile("VIOserver1", "prod", "\"virtual_scsi_adapters+=13/server//lpar4/4/0,14/server/5//any/0\"");
        ConfigAssert.Profile(_s, "VIOserver1", "prod", "11/server/3/lpar3/3/1,12/server/any//any/0,13/server//lpar4/4/0,14/server/5//any/0");
        Assert.Equal(["vhost0", "vhost1", "vhost2", "vhost3"], _s.GetAdapters("VIOserver1", profile: "prod").Select(a => a.Name));
    }

    [Fact]
    public void UpdateProfile_AddEditWithTakenSlot_SlotInUseChangingNothing()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/3/lpar3/3/1");
        Refused.Unchanged(_s, ConfigurationError.SlotInUse, () => _s.UpdateProfile("VIOserver1", "prod", "virtual_scsi_adapters+=12/server/any//any/0,11/server/any//any/0"));
    }

    [Fact]
    public void UpdateProfile_RemoveEdit_RemovesExactEntriesOnly()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/3/lpar3/3/1,12/server/any//any/0,13/server//lpar4/4/0");
        _s.UpdateProfile("VIOserver1", "prod", "virtual_scsi_adapters-=12/server/any//any/0");
        ConfigAssert.Profile(_s, "VIOserver1", "prod", "11/server/3/lpar3/3/1,13/server//lpar4/4/0");
        Assert.Equal(["vhost0", "vhost2"], _s.GetAdapters("VIOserver1", profile: "prod").Select(a => a.Name));
        _s.UpdateProfile("VIOserver1", "prod", "\"virtual_scsi_adapters-=11/server/3/lpar3/3/1,13/server//lpar4/4/0\"");
        ConfigAssert.Profile(_s, "VIOserver1", "prod", "none");
    }

    [Theory]
    [InlineData("virtual_scsi_adapters-=11/server/3/lpar3/3/0", "slot 11 holds '11/server/3/lpar3/3/1'")] // required flag differs
    [InlineData("virtual_scsi_adapters-=11/server//lpar3/3/1", "slot 11 holds")]                       // written differently
    [InlineData("virtual_scsi_adapters-=15/server/any//any/0", "has no adapter '15/server/any//any/0'")]
    [InlineData("virtual_scsi_adapters-=12/server/any//any/0,15/server/any//any/0", "has no adapter '15/server/any//any/0'")] // the first removal is rolled back too
    public void UpdateProfile_RemoveEditNotMatching_AdapterNotFoundChangingNothing(string value, string fragment)
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/3/lpar3/3/1,12/server/any//any/0");
        var e = Refused.Unchanged(_s, ConfigurationError.AdapterNotFound, () => _s.UpdateProfile("VIOserver1", "prod", value));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void UpdateProfile_Replace_KeepsNamesOfAdaptersInTheSameSlot()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/3/lpar3/3/1,12/server/any//any/0,13/server//lpar4/4/0");
        _s.UpdateProfile("VIOserver1", "prod", "10/server/any//any/0,13/server//lpar4/4/1,12/server/5//any/0");
        // 12 and 13 keep vhost1 and vhost2; the new slot 10 takes the lowest free name, vhost0 (freed by slot 11).
        Assert.Equal([("vhost0", 10), ("vhost1", 12), ("vhost2", 13)],
            _s.GetAdapters("VIOserver1", profile: "prod").Select(a => (a.Name, a.Definition.Slot)));
        ConfigAssert.Profile(_s, "VIOserver1", "prod", "10/server/any//any/0,13/server//lpar4/4/1,12/server/5//any/0");
    }

    [Fact]
    public void UpdateProfile_ReplaceFreedName_ReusedByNewSlot()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/any//any/0,12/server/any//any/0");
        _s.UpdateProfile("VIOserver1", "prod", "12/server/any//any/0,20/server/any//any/0");
        Assert.Equal([("vhost1", 12), ("vhost0", 20)], _s.GetAdapters("VIOserver1", profile: "prod").Select(a => (a.Name, a.Definition.Slot)));
    }

    [Fact]
    public void UpdateProfile_ReplaceRefused_KeepsTheOldList()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/any//any/0");
        Refused.Unchanged(_s, ConfigurationError.SlotInUse, () => _s.UpdateProfile("VIOserver1", "prod", "12/server/any//any/0,12/server/any//any/1"));
        Refused.Unchanged(_s, ConfigurationError.SelfPairing, () => _s.UpdateProfile("VIOserver1", "prod", "12/server/1//any/0"));
        ConfigAssert.Profile(_s, "VIOserver1", "prod", "11/server/any//any/0");
    }

    [Fact]
    public void UpdateProfile_None_ClearsTheList()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "11/server/any//any/0,12/server/any//any/0");
        _s.UpdateProfile("VIOserver1", "prod", "virtual_scsi_adapters=none");
        ConfigAssert.Profile(_s, "VIOserver1", "prod", "none");
        Assert.Empty(_s.GetAdapters("VIOserver1", profile: "prod"));
    }

    [Fact]
    public void UpdateProfile_MaxSlots_BoundByHighestSlot()
    {
        CreateProfileFixture();
        _s.CreateProfile("VIOserver1", "prod", "30/server/any//any/0");
        Refused.Unchanged(_s, ConfigurationError.MaxVirtualSlotsInvalid, () => _s.UpdateProfile("VIOserver1", "prod", maxVirtualSlots: 30));
        Refused.Unchanged(_s, ConfigurationError.MaxVirtualSlotsInvalid, () => _s.UpdateProfile("VIOserver1", "prod", maxVirtualSlots: ManagedSystem.MaxMaxVirtualSlots + 1));
        Assert.Equal(31, _s.UpdateProfile("VIOserver1", "prod", maxVirtualSlots: 31).MaxVirtualSlots);
        Refused.Unchanged(_s, ConfigurationError.SlotOutOfRange, () => _s.UpdateProfile("VIOserver1", "prod", "virtual_scsi_adapters+=31/server/any//any/0"));
    }

    [Fact]
    public void UpdateProfile_RenameDefault_DefaultFollows()
    {
        CreateProfileFixture();
        var renamed = _s.UpdateProfile("lpar3", Default, newName: "normal");
        Assert.Equal(("normal", true), (renamed.Name, renamed.IsDefault));
        Assert.Equal("normal", _s.GetPartition("lpar3").DefaultProfile);
        Assert.Equal(["normal"], _s.GetPartition("lpar3").Profiles);
        Refused.With(ConfigurationError.ProfileNotFound, () => _s.GetProfile("lpar3", Default));
    }

    [Fact]
    public void UpdateProfile_RenameRunningProfile_SaveToProfileStillWorks()
    {
        CreateProfileFixture();
        _s.Activate("VIOserver1");
        _s.UpdateProfile("VIOserver1", Default, newName: "normal");
        Assert.Equal("normal", _s.GetPartition("VIOserver1").RunningProfile);
        _s.AddAdapter("VIOserver1", Server(11), saveToProfile: true);
        ConfigAssert.Profile(_s, "VIOserver1", "normal", "11/server/any//any/0");
    }

    [Theory]
    [InlineData("spare", ConfigurationError.ProfileNameInUse)]
    [InlineData("SPARE", ConfigurationError.ProfileNameInUse)]
    [InlineData("no good", ConfigurationError.ProfileNameInvalid)]
    public void UpdateProfile_RenameBadName_RefusedChangingNothing(string newName, ConfigurationError error)
    {
        CreateProfileFixture();
        _s.CreateProfile("lpar3", "spare");
        Refused.Unchanged(_s, error, () => _s.UpdateProfile("lpar3", Default, newName: newName));
    }

    [Fact]
    public void RemoveProfile_Default_DefaultProfileRemoval()
    {
        CreateProfileFixture();
        Refused.Unchanged(_s, ConfigurationError.DefaultProfileRemoval, () => { _s.RemoveProfile("lpar3", "DEFAULT_profile"); return 0; });
    }

    [Fact]
    public void RemoveProfile_NotDefault_RemovedWithItsAdapters()
    {
        CreateProfileFixture();
        _s.CreateProfile("lpar3", "spare", "2/client/5//33/0");
        _s.RemoveProfile("lpar3", "spare");
        Assert.Equal([Default], _s.GetPartition("lpar3").Profiles);
        Refused.With(ConfigurationError.ProfileNotFound, () => _s.GetProfile("lpar3", "spare"));
        Assert.Empty(_s.GetAdapters(profile: "spare"));
        Refused.With(ConfigurationError.ProfileNotFound, () => { _s.RemoveProfile("lpar3", "spare"); return 0; });
    }

    [Fact]
    public void RemoveProfile_AfterDefaultMoved_OldDefaultRemovable()
    {
        CreateProfileFixture();
        _s.CreateProfile("lpar3", "other", makeDefault: true);
        _s.RemoveProfile("lpar3", Default);
        Assert.Equal(["other"], _s.GetPartition("lpar3").Profiles);
    }

    [Fact]
    public void GetProfiles_AllPartitions_EveryProfileOnce()
    {
        CreateProfileFixture();
        _s.CreateProfile("lpar3", "spare");
        Assert.Equal(6, _s.GetProfiles().Count);
        Assert.Equal([Default, "spare"], _s.GetProfiles("lpar3").Select(p => p.Name));
        Refused.With(ConfigurationError.ProfileNotFound, () => _s.GetProfile("lpar3", "nosuch"));
        Refused.With(ConfigurationError.PartitionNotFound, () => _s.GetProfiles("nosuch"));
    }
}
