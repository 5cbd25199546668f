using VScsi.Engine.Configuration;
using static VScsi.Engine.Tests.Configuration.Requests;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>
/// The pairing rules (Pairing.cs) as adapters list them and as <see cref="ManagedSystem.Test"/>
/// reports them, ending with the reference scenario: A (VIOS) serves disks to B, C and D, and D
/// (VIOS) serves a tape to A.
/// </summary>
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

    private void Profile(string partition, string value) => _s.UpdateProfile(partition, ManagedSystem.DefaultProfileName, value);

    private static (FindingSeverity, string, string, string?, int?) Finding(FindingSeverity severity, string code, string partition, string adapter, int slot) =>
        (severity, code, partition, adapter, slot);

    private void AssertFindings(params (FindingSeverity, string, string, string?, int?)[] expected)
    {
        var findings = _s.Test();
        Assert.Equal(expected, findings.Select(f => (f.Severity, f.Code, f.Partition, f.Adapter, f.Slot)));
        Assert.All(findings, f => Assert.Contains($"of '{f.Partition}'", f.Message));
    }

    [Theory]
    [InlineData("11/server/2/lpar2/3/0", "3/client/1/vios1/11/0")]
    [InlineData("11/server//lpar2/3/0", "3/client//vios1/11/0")]
    [InlineData("11/server/2//3/0", "3/client/1//11/0")]
    [InlineData("11/server/2//any/0", "3/client/1//11/0")]
    [InlineData("11/server/any//3/0", "3/client/1//11/0")]
    [InlineData("11/server/any//any/0", "3/client/1//11/0")]
    [InlineData("11/server//LPAR2/3/0", "3/client//VIOS1/11/0")]
    public void Evaluate_BothSidesAgree_PairedBothWays(string server, string client)
    {
        Profile("vios1", server);
        Profile("lpar2", client);
        ConfigAssert.Paired(_s, "vios1", 11, "lpar2", "vscsi0");
        ConfigAssert.Paired(_s, "lpar2", 3, "vios1", "vhost0");
        Assert.Empty(_s.Test());
    }

    [Fact]
    public void Evaluate_ServerAlone_UnpairedWarning()
    {
        Profile("vios1", "11/server/any//any/0,12/server/2/lpar2/3/0");
        ConfigAssert.NotPaired(_s, "vios1", 11, PairingStatus.Unpaired, "no client adapter points to it");
        ConfigAssert.NotPaired(_s, "vios1", 12, PairingStatus.Unpaired, "'lpar2' has no client adapter pointing to it yet");
        AssertFindings(
            Finding(FindingSeverity.Warning, "Unpaired", "vios1", "vhost0", 11),
            Finding(FindingSeverity.Warning, "Unpaired", "vios1", "vhost1", 12));
    }

    [Fact]
    public void Evaluate_RequiredAnyServerAlone_OnlyAWarning()
    {
        // A server that accepts anyone has nobody in particular to wait for; it never blocks activation.
        Profile("vios1", "11/server/any//any/1");
        AssertFindings(Finding(FindingSeverity.Warning, "Unpaired", "vios1", "vhost0", 11));
        Assert.Equal(PartitionState.Running, _s.Activate("vios1").State);
    }

    [Fact]
    public void Evaluate_RequiredClientWithoutServer_RequiredAdapterUnpairedError()
    {
        _s.AddAdapter("lpar3", Client(3, "vios1", 30, required: true));
        var finding = Assert.Single(_s.Test());
        Assert.Equal(Finding(FindingSeverity.Error, "RequiredAdapterUnpaired", "lpar3", "vscsi0", 3),
            (finding.Severity, finding.Code, finding.Partition, finding.Adapter, finding.Slot));
        Assert.Contains("required", finding.Message);
        Assert.Contains("no adapter in slot 30", finding.Message);
    }

    [Fact]
    public void Evaluate_ServerNamesASlotThatPointsElsewhere_PairMismatch()
    {
        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
        _s.AddAdapter("lpar2", Client(3, "ibmi4", 8)); // lpar2 slot 3 points at ibmi4, not vios1
        var server = ConfigAssert.NotPaired(_s, "vios1", 11, PairingStatus.Refused, "slot 3 of 'lpar2' holds vscsi0 (3/client/4/ibmi4/8/0), which does not point back to slot 11 of 'vios1'");
        Assert.Equal(("lpar2", "vscsi0"), (server.PartnerPartitionName, server.PartnerAdapter));
        AssertFindings(
            Finding(FindingSeverity.Warning, "PairMismatch", "vios1", "vhost0", 11),
            Finding(FindingSeverity.Warning, "Unpaired", "lpar2", "vscsi0", 3));
    }

    [Fact]
    public void Evaluate_ServerNamesAnotherClientSlot_PairMismatchAndNotAllowed()
    {
        // Written through HMC syntax, so both sides exist though they disagree about the client slot.
        Profile("lpar2", "4/client/1/vios1/11/0");
        Profile("vios1", "11/server/2/lpar2/3/0");
        Profile("lpar2", "virtual_scsi_adapters+=3/client/4/ibmi4/9/0");
        ConfigAssert.NotPaired(_s, "lpar2", 4, PairingStatus.Refused, "accepts only partition 'lpar2' slot 3");
        AssertFindings(
            Finding(FindingSeverity.Warning, "PairMismatch", "vios1", "vhost0", 11),
            Finding(FindingSeverity.Warning, "Unpaired", "lpar2", "vscsi1", 3),
            Finding(FindingSeverity.Warning, "ServerAdapterNotAllowed", "lpar2", "vscsi0", 4));
    }

    [Fact]
    public void Evaluate_TwoClientsOnOneAnyServer_FirstByPartitionIdPairedSecondRefused()
    {
        // Two clients may point at a slot before its server adapter exists; once it does, only one pairs (the lower partition id).
        Profile("lpar3", "3/client/1/vios1/11/0");
        Profile("lpar2", "3/client/1/vios1/11/0");
        Profile("vios1", "11/server/any//any/0");
        ConfigAssert.Paired(_s, "lpar2", 3, "vios1", "vhost0");
        ConfigAssert.Paired(_s, "vios1", 11, "lpar2", "vscsi0");
        ConfigAssert.NotPaired(_s, "lpar3", 3, PairingStatus.Refused, "already serves 'lpar2' (vscsi0)");
        AssertFindings(Finding(FindingSeverity.Warning, "ServerAdapterInUse", "lpar3", "vscsi0", 3));
    }

    [Fact]
    public void Evaluate_TwoClientsOfOnePartitionOnOneAnyServer_OnlyTheFirstPaired()
    {
        // 1:1 holds inside one partition too: vhost0 pairs with slot 3 only, so slot 4 is refused.
        Profile("lpar2", "3/client/1/vios1/11/0,4/client/1/vios1/11/0");
        Profile("vios1", "11/server/any//any/0");
        ConfigAssert.Paired(_s, "vios1", 11, "lpar2", "vscsi0");
        ConfigAssert.Paired(_s, "lpar2", 3, "vios1", "vhost0");
        ConfigAssert.NotPaired(_s, "lpar2", 4, PairingStatus.Refused, "already serves 'lpar2' (vscsi0)");
        AssertFindings(Finding(FindingSeverity.Warning, "ServerAdapterInUse", "lpar2", "vscsi1", 4));
    }

    [Fact]
    public void Evaluate_RunningPartner_JudgedAgainstItsRunningConfiguration()
    {
        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
        _s.Activate("vios1");
        _s.AddAdapter("lpar2", Client(3, "vios1", 11));
        Profile("vios1", "none"); // the profile changes; the running configuration still serves
        ConfigAssert.Paired(_s, "lpar2", 3, "vios1", "vhost0");
        _s.Deactivate("vios1");
        ConfigAssert.NotPaired(_s, "lpar2", 3, PairingStatus.Unpaired, "no adapter in slot 11");
    }

    [Fact]
    public void Test_NothingDefined_NoFindings() => Assert.Empty(_s.Test());

    [Fact]
    public void Test_MixedProblems_OneFindingPerAdapterInPartitionAndSlotOrder()
    {
        _s.AddAdapter("vios1", Server(11, "lpar2", 3));
        _s.AddAdapter("lpar2", Client(3, "ibmi4", 8));
        _s.AddAdapter("lpar3", Client(3, "vios1", 30, required: true));
        _s.AddAdapter("ibmi4", Server(9));
        _s.AddAdapter("ibmi4", Server(10));
        _s.AddAdapter("lpar3", Client(2, "ibmi4", 10));
        AssertFindings(
            Finding(FindingSeverity.Warning, "PairMismatch", "vios1", "vhost0", 11),
            Finding(FindingSeverity.Warning, "Unpaired", "lpar2", "vscsi0", 3),
            Finding(FindingSeverity.Error, "RequiredAdapterUnpaired", "lpar3", "vscsi0", 3),
            Finding(FindingSeverity.Warning, "Unpaired", "ibmi4", "vhost0", 9));
    }

    [Fact]
    public void ReferenceScenario_AServesBCDAndDServesATape_AllPairedNoFindings()
    {
        // IBM's virtual SCSI example: A provides disk to B, C and D; D provides a tape to A.
        using var temp = new TempSystem();
        using var s = temp.Open();
        s.CreatePartition("A", PartitionType.Vios);
        s.CreatePartition("B", PartitionType.AixLinux);
        s.CreatePartition("C", PartitionType.AixLinux);
        s.CreatePartition("D", PartitionType.Vios);
        var slot = 11;
        foreach (var client in new[] { "B", "C", "D" })
        {
            s.AddAdapter("A", Server(slot, client, 2, required: true));
            s.AddAdapter(client, Client(2, "A", slot++, required: true));
        }
        s.AddAdapter("D", Server(21, "A", 5));
        s.AddAdapter("A", Client(5, "D", 21));

        ConfigAssert.Paired(s, "A", 11, "B", "vscsi0");
        ConfigAssert.Paired(s, "A", 12, "C", "vscsi0");
        ConfigAssert.Paired(s, "A", 13, "D", "vscsi0");
        ConfigAssert.Paired(s, "A", 5, "D", "vhost0");
        ConfigAssert.Paired(s, "D", 21, "A", "vscsi0");
        foreach (var client in new[] { "B", "C", "D" })
            ConfigAssert.Paired(s, client, 2, "A", $"vhost{client[0] - 'B'}");
        Assert.Equal(8, s.GetAdapters().Count);
        Assert.Empty(s.Test());
        Assert.Equal("11/server/2/B/2/1,12/server/3/C/2/1,13/server/4/D/2/1,5/client/4/D/21/0", s.GetProfile("A", ManagedSystem.DefaultProfileName).VirtualScsiAdapters);

        foreach (var p in new[] { "A", "D", "B", "C" }) s.Activate(p);
        Assert.All(s.GetPartitions(), p => Assert.Equal(PartitionState.Running, p.State));
        Assert.Empty(s.Test());

        var e = Refused.Unchanged(s, ConfigurationError.ServerAdapterRequiresServerPartition, () => s.AddAdapter("B", Server(30)));
        Assert.Contains("'B'", e.Message);
        Refused.Unchanged(s, ConfigurationError.ServerAdapterRequiresServerPartition, () => s.UpdateProfile("B", ManagedSystem.DefaultProfileName, "virtual_scsi_adapters+=30/server/any//any/0"));
    }
}
