using VScsi.Engine.Configuration;
using static VScsi.Engine.Tests.Configuration.Requests;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Adding and removing adapters: every rule with its own error id, names and location codes.</summary>
public sealed partial class ManagedSystemTests
{
    /// <summary>vios1 (1, Vios), lpar2 (2, AixLinux), lpar3 (3, AixLinux), ibmi4 (4, IbmI); vios1 slot 11 accepts only lpar2 slot 3.</summary>
    private void CreateRuleFixture()
    {
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.CreatePartition("lpar3", PartitionType.AixLinux);
        _s.CreatePartition("ibmi4", PartitionType.IbmI);
        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
    }

    public static TheoryData<string, AdapterRequest, ConfigurationError, string> RuleViolations() => new()
    {
        { "vios1", Server(0), ConfigurationError.SlotReserved, "Slots 0 and 1 hold the virtual serial adapters" },
        { "vios1", Server(1), ConfigurationError.SlotReserved, "use a slot from 2 to 63" },
        { "lpar2", Client(1, "vios1", 11), ConfigurationError.SlotReserved, "Slots 0 and 1" },
        { "vios1", Server(64), ConfigurationError.SlotOutOfRange, "Slot 64 is outside 2..63" },
        { "vios1", Server(1000), ConfigurationError.SlotOutOfRange, "Slot 1000 is outside" },
        { "vios1", Server(-1), ConfigurationError.SlotOutOfRange, "Slot -1 is outside" },
        { "vios1", Server(11), ConfigurationError.SlotInUse, "Slot 11 of 'vios1' already holds vhost0" },
        { "vios1", Client(11, "ibmi4", 5), ConfigurationError.SlotInUse, "already holds vhost0" },
        { "lpar2", Server(5), ConfigurationError.ServerAdapterRequiresServerPartition, "of type AixLinux" },
        { "lpar3", Client(3, "lpar2", 5), ConfigurationError.RemotePartitionNotServer, "'lpar2' is of type AixLinux" },
        { "vios1", Server(12, "vios1", 3), ConfigurationError.SelfPairing, "cannot pair with itself" },
        { "vios1", Client(12, "vios1", 11), ConfigurationError.SelfPairing, "points at its own partition" },
        { "lpar3", Client(3, "vios1", 11), ConfigurationError.ServerAdapterNotAllowed, "accepts only partition 'lpar2' slot 3, not 'lpar3' slot 3" },
        { "lpar2", Client(4, "vios1", 11), ConfigurationError.ServerAdapterNotAllowed, "not 'lpar2' slot 4" },
        { "ibmi4", Client(3, "vios1", 11), ConfigurationError.ServerAdapterNotAllowed, "accepts only partition 'lpar2'" },
        { "lpar3", Client(3, "nosuch", 11), ConfigurationError.PartitionNotFound, "nosuch" },
        { "vios1", Server(12, "nosuch", 3), ConfigurationError.PartitionNotFound, "nosuch" },
        { "lpar3", Client(3, "vios1", 1), ConfigurationError.SlotReserved, "Remote slot 1 is reserved" },
        { "vios1", Server(12, "lpar3", 0), ConfigurationError.SlotReserved, "Remote slot 0 is reserved" },
        { "lpar3", new AdapterRequest(AdapterKind.Client, 3, null, 11), ConfigurationError.RemoteRequired, "-RemotePartition" },
        { "lpar3", new AdapterRequest(AdapterKind.Client, 3, "vios1", null), ConfigurationError.RemoteRequired, "-RemoteSlot" },
        { "vios1", Server(12, name: "vhost0"), ConfigurationError.AdapterNameInUse, "already has an adapter named 'vhost0'" },
        { "vios1", Server(12, name: "VHOST0"), ConfigurationError.AdapterNameInUse, "'VHOST0'" },
        { "vios1", Server(12, name: "v host"), ConfigurationError.AdapterNameInvalid, "'v host' is not a valid adapter name" },
        { "nosuch", Server(12), ConfigurationError.PartitionNotFound, "nosuch" },
    };

    [Theory]
    [MemberData(nameof(RuleViolations))]
    public void AddAdapter_RuleBroken_RefusedWithItsOwnErrorChangingNothing(string partition, AdapterRequest request, ConfigurationError error, string fragment)
    {
        CreateRuleFixture();
        var e = Refused.Unchanged(_s, error, () => _s.AddAdapter(partition, request));
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData(PartitionType.Vios)]
    [InlineData(PartitionType.IbmI)]
    public void AddAdapter_ServerInServingPartition_Accepted(PartitionType type)
    {
        _s.CreatePartition("server", type);
        Assert.Equal("vhost0", _s.AddAdapter("server", Server(2)).Name);
        Assert.Equal("vhost1", _s.AddAdapter("server", Server(63)).Name);
    }

    [Fact]
    public void AddAdapter_ClientOfIbmIServer_Paired()
    {
        CreateRuleFixture();
        _s.AddAdapter("ibmi4", Server(6, "lpar3", 7));
        _s.AddAdapter("lpar3", Client(7, "ibmi4", 6));
        ConfigAssert.Paired(_s, "lpar3", 7, "ibmi4", "vhost0");
    }

    [Fact]
    public void AddAdapter_SecondClientOfAnyServer_ServerAdapterInUse()
    {
        CreateRuleFixture();
        _s.AddAdapter("vios1", Server(12));
        _s.AddAdapter("lpar2", Client(4, "vios1", 12));
        var e = Refused.Unchanged(_s, ConfigurationError.ServerAdapterInUse, () => _s.AddAdapter("lpar3", Client(4, "vios1", 12)));
        Assert.Contains("already serves 'lpar2' (vscsi0)", e.Message);
    }

    [Fact]
    public void AddAdapter_SecondClientOfAnyServerFromTheSamePartition_ServerAdapterInUse()
    {
        // A server adapter pairs with one client adapter, even when both clients live in one partition.
        CreateRuleFixture();
        _s.AddAdapter("vios1", Server(12));
        _s.AddAdapter("lpar2", Client(4, "vios1", 12));
        Refused.Unchanged(_s, ConfigurationError.ServerAdapterInUse, () => _s.AddAdapter("lpar2", Client(5, "vios1", 12)));
    }

    [Fact]
    public void AddAdapter_ClientOnAClientSlot_RemoteAdapterNotServer()
    {
        CreateRuleFixture();
        _s.AddAdapter("ibmi4", Client(6, "vios1", 20));
        Refused.Unchanged(_s, ConfigurationError.RemoteAdapterNotServer, () => _s.AddAdapter("lpar2", Client(4, "ibmi4", 6)));
    }

    [Theory]
    [InlineData("3/client/1/lpar3/11/0")] // id 1 is vios1
    [InlineData("3/client/4/vios1/11/0")] // id 4 is ibmi4
    public void UpdateProfile_IdAndNameDisagree_RemotePartitionMismatch(string entry)
    {
        CreateRuleFixture();
        var e = Refused.Unchanged(_s, ConfigurationError.RemotePartitionMismatch, () => _s.UpdateProfile("lpar2", Default, entry));
        Assert.Contains("is partition", e.Message);
    }

    [Fact]
    public void UpdateProfile_IdAndNameAgree_Accepted()
    {
        CreateRuleFixture();
        _s.UpdateProfile("lpar2", Default, "3/client/1/VIOS1/11/0");
        ConfigAssert.Paired(_s, "lpar2", 3, "vios1", "vhost0");
    }

    [Fact]
    public void AddAdapter_ClientBeforeItsServer_UnpairedThenPaired()
    {
        CreateRuleFixture();
        var client = _s.AddAdapter("lpar3", Client(5, "vios1", 20));
        Assert.Equal((PairingStatus.Unpaired, "vios1", null), (client.Pairing, client.PartnerPartitionName, client.PartnerAdapter));
        Assert.Contains("has no adapter in slot 20 yet", client.PairingProblem);

        var server = _s.AddAdapter("vios1", Server(20, "lpar3", 5));
        Assert.Equal((PairingStatus.Paired, "lpar3", "vscsi0"), (server.Pairing, server.PartnerPartitionName, server.PartnerAdapter));
        ConfigAssert.Paired(_s, "lpar3", 5, "vios1", "vhost1");
    }

    [Fact]
    public void AddAdapter_GeneratedNames_PerKindLowestFree()
    {
        CreateRuleFixture();
        Assert.Equal("vhost1", _s.AddAdapter("vios1", Server(12)).Name);
        Assert.Equal("vscsi0", _s.AddAdapter("vios1", Client(5, "ibmi4", 9)).Name);
        Assert.Equal("vscsi1", _s.AddAdapter("vios1", Client(6, "ibmi4", 10)).Name);
        Assert.Equal("vhost2", _s.AddAdapter("vios1", Server(2)).Name);
        Assert.Equal("mytape", _s.AddAdapter("vios1", Server(13, name: "mytape")).Name);
        _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost1", null);
        Assert.Equal("vhost1", _s.AddAdapter("vios1", Server(14)).Name);
        Assert.Equal("vhost3", _s.AddAdapter("vios1", Server(15)).Name);
        Assert.Equal("vscsi0", _s.AddAdapter("lpar2", Client(3, "vios1", 11)).Name);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(11)]
    [InlineData(63)]
    public void AddAdapter_LocationCode_UnitSerialPartitionSlot(int slot)
    {
        _s.CreatePartition("vios1", PartitionType.Vios, id: 7);
        var system = _s.GetSystem();
        Assert.Matches("^[0-9A-Z]{4}\\.[0-9A-Z]{3}$", system.MachineTypeModel);
        var a = _s.AddAdapter("vios1", Server(slot));
        Assert.Equal($"U{system.MachineTypeModel}.{system.Serial}-V7-C{slot}", a.LocationCode);
        Assert.Matches($"^U[0-9A-Z]{{4}}\\.[0-9A-Z]{{3}}\\.[0-9A-Z]{{7}}-V7-C{slot}$", a.LocationCode);
        Assert.Equal(a.LocationCode, ConfigAssert.Adapter(_s, "vios1", slot).LocationCode);
    }

    [Fact]
    public void AddAdapter_ToNamedProfile_OnlyThatProfileChanges()
    {
        CreateRuleFixture();
        _s.CreateProfile("vios1", "spare");
        var a = _s.AddAdapter("vios1", Server(30), profile: "spare");
        Assert.Equal(("spare", false), (a.Profile, a.IsRunningConfiguration));
        ConfigAssert.Profile(_s, "vios1", "spare", "30/server/any//any/0");
        ConfigAssert.Profile(_s, "vios1", Default, "11/server/2/lpar2/3/0");
        Refused.Unchanged(_s, ConfigurationError.ProfileNotFound, () => _s.AddAdapter("vios1", Server(31), profile: "nosuch"));
    }

    [Fact]
    public void AddAdapter_ServerNamingAClient_StoredAsIdAndName()
    {
        CreateRuleFixture();
        _s.AddAdapter("vios1", Server(12, "lpar3"));
        _s.AddAdapter("lpar2", Client(3, "vios1", 11, required: true));
        ConfigAssert.Profile(_s, "vios1", Default, "11/server/2/lpar2/3/0,12/server/3/lpar3/any/0");
        ConfigAssert.Profile(_s, "lpar2", Default, "3/client/1/vios1/11/1");
    }

    [Fact]
    public void RemoveAdapter_ByNameOrSlot_RemovesThatAdapterOnly()
    {
        CreateRuleFixture();
        _s.AddAdapter("vios1", Server(12));
        _s.AddAdapter("vios1", Server(13));
        Assert.Equal("vhost1", _s.RemoveAdapter("vios1", AdapterKind.Server, "VHOST1", null).Name);
        Assert.Equal(13, _s.RemoveAdapter("vios1", AdapterKind.Server, null, 13).Definition.Slot);
        ConfigAssert.Adapters(_s, "vios1", ("vhost0", 11));
    }

    [Theory]
    [InlineData(AdapterKind.Client, null, 11)]  // slot 11 holds a server adapter
    [InlineData(AdapterKind.Server, "vhost9", null)]
    [InlineData(AdapterKind.Server, null, 12)]
    [InlineData(AdapterKind.Server, "vhost0", 12)] // name and slot must both match
    public void RemoveAdapter_NoMatch_AdapterNotFound(AdapterKind kind, string? name, int? slot)
    {
        CreateRuleFixture();
        Refused.Unchanged(_s, ConfigurationError.AdapterNotFound, () => _s.RemoveAdapter("vios1", kind, name, slot));
    }

    [Fact]
    public void RemoveAdapter_ServerOfAPair_ClientBecomesUnpaired()
    {
        CreateRuleFixture();
        _s.AddAdapter("lpar2", Client(3, "vios1", 11));
        _s.RemoveAdapter("vios1", AdapterKind.Server, "vhost0", null);
        ConfigAssert.NotPaired(_s, "lpar2", 3, PairingStatus.Unpaired, "no adapter in slot 11");
    }
}
