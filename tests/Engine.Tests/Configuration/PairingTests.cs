using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>The virtual SCSI adapter rules, each with its own error, and pairing as listed and tested.</summary>
public sealed class PairingTests : IDisposable
{
    private readonly TempSystem _temp = new();
    private readonly ManagedSystem _s;

    public PairingTests()
    {
        _s = _temp.Open();
        _s.CreatePartition("vios1", PartitionType.Vios);
        _s.CreatePartition("lpar2", PartitionType.AixLinux);
        _s.CreatePartition("lpar3", PartitionType.AixLinux);
        _s.CreatePartition("ibmi4", PartitionType.IbmI);
    }

    public void Dispose()
    {
        _s.Dispose();
        _temp.Dispose();
    }

    private VirtualScsiAdapter Add(string partition, AdapterKind kind, int slot, string? remote = null, int? remoteSlot = null, bool required = false) =>
        _s.AddAdapter(partition, new AdapterRequest(kind, slot, remote, remoteSlot, required));

    private VirtualScsiAdapter Adapter(string partition, int slot) => _s.GetAdapters(partition).Single(a => a.Definition.Slot == slot);

    public static TheoryData<string, AdapterKind, int, string?, int?, ConfigurationError> Violations() => new()
    {
        { "vios1", AdapterKind.Server, 0, null, null, ConfigurationError.SlotReserved },
        { "vios1", AdapterKind.Server, 1, null, null, ConfigurationError.SlotReserved },
        { "vios1", AdapterKind.Server, 64, null, null, ConfigurationError.SlotOutOfRange },
        { "vios1", AdapterKind.Server, -3, null, null, ConfigurationError.SlotOutOfRange },
        { "vios1", AdapterKind.Server, 11, null, null, ConfigurationError.SlotInUse },
        { "lpar2", AdapterKind.Server, 5, null, null, ConfigurationError.ServerAdapterRequiresServerPartition },
        { "lpar3", AdapterKind.Client, 3, "lpar2", 5, ConfigurationError.RemotePartitionNotServer },
        { "vios1", AdapterKind.Server, 12, "vios1", null, ConfigurationError.SelfPairing },
        { "lpar3", AdapterKind.Client, 3, "vios1", 11, ConfigurationError.ServerAdapterNotAllowed },
        { "lpar3", AdapterKind.Client, 3, "nosuch", 11, ConfigurationError.PartitionNotFound },
        { "lpar3", AdapterKind.Client, 3, "vios1", 1, ConfigurationError.SlotReserved },
        { "lpar3", AdapterKind.Client, 3, null, null, ConfigurationError.RemoteRequired },
        { "lpar3", AdapterKind.Client, 3, "vios1", null, ConfigurationError.RemoteRequired },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void AddAdapter_RuleBroken_RefusedWithItsOwnError(string partition, AdapterKind kind, int slot, string? remote, int? remoteSlot, ConfigurationError error)
    {
        Add("vios1", AdapterKind.Server, 11, "lpar2", 3);
        var before = _s.GetAdapters().Count;
        Refused.With(error, () => Add(partition, kind, slot, remote, remoteSlot));
        Assert.Equal(before, _s.GetAdapters().Count);
    }

    [Fact]
    public void AddAdapter_SecondClientOnAnyServer_RefusedInUse()
    {
        Add("vios1", AdapterKind.Server, 12);
        Add("lpar2", AdapterKind.Client, 4, "vios1", 12);
        Refused.With(ConfigurationError.ServerAdapterInUse, () => Add("lpar3", AdapterKind.Client, 4, "vios1", 12));
    }

    [Fact]
    public void AddAdapter_ClientOnClientSlot_RefusedRemoteAdapterNotServer()
    {
        Add("ibmi4", AdapterKind.Client, 6, "vios1", 20);
        Refused.With(ConfigurationError.RemoteAdapterNotServer, () => Add("lpar2", AdapterKind.Client, 4, "ibmi4", 6));
    }

    [Fact]
    public void ProfileEntry_IdAndNameDisagree_RefusedRemotePartitionMismatch() =>
        Refused.With(ConfigurationError.RemotePartitionMismatch, () => _s.UpdateProfile("lpar2", "default_profile", "3/client/1/lpar3/11/0"));

    [Fact]
    public void ClientBeforeServer_UnpairedThenPaired()
    {
        var client = Add("lpar2", AdapterKind.Client, 3, "vios1", 11);
        Assert.Equal(PairingStatus.Unpaired, client.Pairing);
        Assert.Contains("no adapter in slot 11", client.PairingProblem);

        var server = Add("vios1", AdapterKind.Server, 11, "lpar2", 3);
        Assert.Equal((PairingStatus.Paired, "lpar2", "vscsi0"), (server.Pairing, server.PartnerPartitionName, server.PartnerAdapter));
        Assert.Equal((PairingStatus.Paired, "vhost0"), (Adapter("lpar2", 3).Pairing, Adapter("lpar2", 3).PartnerAdapter));
    }

    [Fact]
    public void AddAdapter_Names_GeneratedPerKindAndLocationCodeFormat()
    {
        Assert.Equal("vhost0", Add("vios1", AdapterKind.Server, 11).Name);
        Assert.Equal("vhost1", Add("vios1", AdapterKind.Server, 12).Name);
        var client = Add("vios1", AdapterKind.Client, 5, "ibmi4", 9);
        Assert.Equal("vscsi0", client.Name);
        Assert.Equal("vhost5", _s.AddAdapter("vios1", new AdapterRequest(AdapterKind.Server, 13, null, null, Name: "vhost5")).Name);
        Refused.With(ConfigurationError.AdapterNameInUse, () => _s.AddAdapter("vios1", new AdapterRequest(AdapterKind.Server, 14, null, null, Name: "VHOST5")));
        Refused.With(ConfigurationError.AdapterNameInvalid, () => _s.AddAdapter("vios1", new AdapterRequest(AdapterKind.Server, 14, null, null, Name: "v host")));
        var system = _s.GetSystem();
        Assert.Equal($"U{system.MachineTypeModel}.{system.Serial}-V1-C5", client.LocationCode);
    }

    [Fact]
    public void Test_ReportsUnpairedMismatchAndRequired()
    {
        Add("vios1", AdapterKind.Server, 11, "lpar2", 3);
        Add("lpar2", AdapterKind.Client, 3, "ibmi4", 8);                      // lpar2 slot 3 points elsewhere
        Add("lpar3", AdapterKind.Client, 3, "vios1", 30, required: true);     // server adapter missing
        Add("ibmi4", AdapterKind.Server, 9);                                   // nobody connects
        var findings = _s.Test().Select(f => (f.Severity, f.Code, f.Partition, f.Adapter)).ToList();
        Assert.Equal(
            [(FindingSeverity.Warning, "PairMismatch", "vios1", "vhost0"), (FindingSeverity.Warning, "Unpaired", "lpar2", "vscsi0"),
             (FindingSeverity.Error, "RequiredAdapterUnpaired", "lpar3", "vscsi0"), (FindingSeverity.Warning, "Unpaired", "ibmi4", "vhost0")],
            findings);
    }

    [Fact]
    public void ReferenceScenario_ServesInBothDirections_NoFindings()
    {
        // A provides disk to B, C and D; D provides a tape to A (IBM's "Virtual SCSI adapters" example).
        using var temp = new TempSystem();
        using var s = temp.Open();
        s.CreatePartition("A", PartitionType.Vios);
        s.CreatePartition("B", PartitionType.AixLinux);
        s.CreatePartition("C", PartitionType.AixLinux);
        s.CreatePartition("D", PartitionType.Vios);
        var slot = 11;
        foreach (var client in new[] { "B", "C", "D" })
        {
            s.AddAdapter("A", new AdapterRequest(AdapterKind.Server, slot, client, 2));
            s.AddAdapter(client, new AdapterRequest(AdapterKind.Client, 2, "A", slot++, Required: true));
        }
        s.AddAdapter("D", new AdapterRequest(AdapterKind.Server, 21, "A", 5));
        s.AddAdapter("A", new AdapterRequest(AdapterKind.Client, 5, "D", 21));
        Assert.All(s.GetAdapters(), a => Assert.Equal(PairingStatus.Paired, a.Pairing));
        Assert.Empty(s.Test());
        foreach (var p in new[] { "A", "D", "B", "C" }) s.Activate(p);
        Assert.All(s.GetPartitions(), p => Assert.Equal(PartitionState.Running, p.State));
        Refused.With(ConfigurationError.ServerAdapterRequiresServerPartition, () => s.AddAdapter("B", new AdapterRequest(AdapterKind.Server, 30, null, null)));
    }
}
