using VScsi.Engine.Configuration;
using static VScsi.Engine.Tests.Configuration.Requests;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Activation, dynamic add/remove on a running partition, and shutdown.</summary>
public sealed partial class ManagedSystemTests
{
    [Fact]
    public void Activate_RequiredAdaptersPairable_RunningWithProfile()
    {
        CreatePair(required: true);
        _s.AddAdapter("vios1", Server(12, required: true)); // 'any' server: nothing to wait for
        var p = _s.Activate("lpar2");
        Assert.Equal((PartitionState.Running, Default), (p.State, p.RunningProfile));
        Assert.Equal(PartitionState.Running, _s.GetPartition("lpar2").State);
        Assert.All(_s.GetAdapters("lpar2"), a => Assert.True(a.IsRunningConfiguration));
        Assert.Equal(PartitionState.Running, _s.Activate("vios1").State);
        Assert.DoesNotContain(_s.Test(), f => f.Severity == FindingSeverity.Error); // only the idle 'any' server is reported
    }

    [Fact]
    public void Activate_NamedProfile_RunsThatProfile()
    {
        CreatePair();
        _s.CreateProfile("vios1", "maint", "20/server/any//any/0", maxVirtualSlots: 30);
        var p = _s.Activate("vios1", "MAINT");
        Assert.Equal((PartitionState.Running, "maint", 30, Default), (p.State, p.RunningProfile, p.MaxVirtualSlots, p.DefaultProfile));
        ConfigAssert.Adapters(_s, "vios1", ("vhost0", 20));
        ConfigAssert.NotPaired(_s, "lpar2", 3, PairingStatus.Unpaired, "no adapter in slot 11");
        Refused.With(ConfigurationError.ProfileNotFound, () => _s.Activate("lpar2", "nosuch"));
    }

    [Fact]
    public void Activate_RequiredClientUnpaired_RequiredAdapterUnpairedNamingIt()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("lpar2", Client(2, "vios1", 12));
        _s.AddAdapter("lpar2", Client(3, "vios1", 11, required: true));
        var e = Refused.Unchanged(_s, ConfigurationError.RequiredAdapterUnpaired, () => _s.Activate("lpar2"));
        Assert.Contains("vscsi1 in slot 3", e.Message);
        Assert.DoesNotContain("vscsi0", e.Message); // optional adapters do not block activation
        Assert.Equal(PartitionState.NotActivated, _s.GetPartition("lpar2").State);

        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
        Assert.Equal(PartitionState.Running, _s.Activate("lpar2").State);
    }

    [Fact]
    public void Activate_RequiredServerNamingAbsentClient_RequiredAdapterUnpaired()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.AddAdapter("vios1", Server(11, "lpar2", 3, required: true));
        var e = Refused.Unchanged(_s, ConfigurationError.RequiredAdapterUnpaired, () => _s.Activate("vios1"));
        Assert.Contains("vhost0 in slot 11", e.Message);
    }

    [Fact]
    public void Activate_RequiredClientRefusedByItsServer_RequiredAdapterUnpaired()
    {
        CreatePair();
        _s.CreatePartition("lpar3", PartitionType.AixLinux);
        // Written through HMC syntax, which lets a profile hold a pair the server refuses.
        _s.CreateProfile("lpar3", "prod", "3/client/1/vios1/20/1");
        _s.AddAdapter("vios1", Server(20, "lpar2", 9));
        var e = Refused.Unchanged(_s, ConfigurationError.RequiredAdapterUnpaired, () => _s.Activate("lpar3", "prod"));
        Assert.Contains("vscsi0 in slot 3", e.Message);
        Assert.Contains("accepts only partition 'lpar2' slot 9", e.Message);
    }

    [Fact]
    public void Activate_AlreadyRunning_PartitionRunning()
    {
        CreatePair();
        _s.Activate("vios1");
        Refused.Unchanged(_s, ConfigurationError.PartitionRunning, () => _s.Activate("vios1"));
    }

    [Fact]
    public void AddAdapter_Running_ChangesRunningConfigurationOnly()
    {
        CreatePair();
        _s.Activate("vios1");
        var a = _s.AddAdapter("vios1", Server(12));
        Assert.Equal((true, (string?)null), (a.IsRunningConfiguration, a.Profile));
        ConfigAssert.Adapters(_s, "vios1", ("vhost0", 11), ("vhost1", 12));
        ConfigAssert.Profile(_s, "vios1", Default, "11/server/2/lpar2/3/0");
        _s.Deactivate("vios1");
        ConfigAssert.Adapters(_s, "vios1", ("vhost0", 11));
    }

    [Fact]
    public void AddAdapter_RunningWithSaveToProfile_ChangesBoth()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.AddAdapter("vios1", Server(12), saveToProfile: true);
        ConfigAssert.Adapters(_s, "vios1", ("vhost0", 11), ("vhost1", 12));
        ConfigAssert.Profile(_s, "vios1", Default, "11/server/2/lpar2/3/0,12/server/any//any/0");
        Assert.Equal("vhost1", _s.GetAdapters("vios1", profile: Default).Single(x => x.Definition.Slot == 12).Name);
    }

    [Fact]
    public void AddAdapter_RunningWithSaveToProfileRefusedByProfile_ChangesNeither()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.UpdateProfile("vios1", Default, "virtual_scsi_adapters+=12/server/any//any/0"); // the profile only
        Refused.Unchanged(_s, ConfigurationError.SlotInUse, () => _s.AddAdapter("vios1", Server(12, "lpar2", 5), saveToProfile: true));
    }

    [Fact]
    public void RemoveAdapter_Running_ChangesRunningConfigurationOnly()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost0", null);
        ConfigAssert.Adapters(_s, "vios1");
        ConfigAssert.Profile(_s, "vios1", Default, "11/server/2/lpar2/3/0");
        ConfigAssert.NotPaired(_s, "lpar2", 3, PairingStatus.Unpaired, "no adapter in slot 11");
    }

    [Fact]
    public void RemoveAdapter_RunningWithSaveToProfile_ChangesBoth()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.RemoveAdapter("vios1", AdapterKind.Server, null, 11, saveToProfile: true);
        ConfigAssert.Adapters(_s, "vios1");
        ConfigAssert.Profile(_s, "vios1", Default, "none");
    }

    [Fact]
    public void RemoveAdapter_RequiredFromRunning_RequiredAdapterRemovalUnlessForced()
    {
        CreatePair(required: true);
        _s.Activate("vios1");
        var e = Refused.Unchanged(_s, ConfigurationError.RequiredAdapterRemoval, () => _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost0", null));
        Assert.Contains("vhost0 (slot 11) is required", e.Message);
        _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost0", null, force: true);
        ConfigAssert.Adapters(_s, "vios1");
        ConfigAssert.Profile(_s, "vios1", Default, "11/server/2/lpar2/3/1");
    }

    [Fact]
    public void RemoveAdapter_RequiredFromStoppedProfile_Allowed()
    {
        CreatePair(required: true);
        _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost0", null);
        ConfigAssert.Profile(_s, "vios1", Default, "none");
    }

    [Fact]
    public void AddAdapter_RunningPartner_PairsAgainstTheRunningConfiguration()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.UpdateProfile("vios1", Default, "virtual_scsi_adapters+=12/server/2/lpar2/4/0"); // not in the running configuration
        var client = _s.AddAdapter("lpar2", Client(4, "vios1", 12));
        Assert.Equal(PairingStatus.Unpaired, client.Pairing);
        _s.AddAdapter("vios1", Server(12, "lpar2", 4)); // dynamic add
        ConfigAssert.Paired(_s, "lpar2", 4, "vios1", "vhost1");
    }

    [Fact]
    public void Deactivate_Running_DiscardsRunningConfiguration()
    {
        CreatePair();
        _s.Activate("vios1");
        _s.AddAdapter("vios1", Server(12));
        var p = _s.Deactivate("vios1");
        Assert.Equal((PartitionState.NotActivated, (string?)null), (p.State, p.RunningProfile));
        ConfigAssert.Adapters(_s, "vios1", ("vhost0", 11));
        Refused.Unchanged(_s, ConfigurationError.PartitionNotRunning, () => _s.Deactivate("vios1"));
        Assert.Equal(PartitionState.Running, _s.Activate("vios1").State);
    }
}
