using System.Text.RegularExpressions;

namespace VScsi.Cmdlets.Tests;

/// <summary>The text of each default table view, as the vscsi host shows it when redirected (width 120).</summary>
[Collection("PowerShell")]
public sealed class FormatTests(PowerShellFixture ps)
{
    private const string Setup = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -Required -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 4 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys

        """;

    private string[] Lines(string command)
    {
        var sys = ps.NewTempSystemPath();
        var r = ps.Render($"$sys = '{sys}'\n{Setup}{command} -SystemPath $sys");
        Assert.Empty(r.Errors);
        return Regex.Replace(r.Text, @"U9080\.VSC\.[0-9A-Z]{7}", "U9080.VSC.SERIAL").Split('\n')
            .Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0).ToArray();
    }

    [Fact]
    public void GetVScsiPartition_DefaultTable()
    {
        Assert.Equal([
            "Id   Name                           Type     State        DefaultProfile                 RunningProfile",
            "--   ----                           ----     -----        --------------                 --------------",
            "1    vios1                          Vios     NotActivated default_profile",
            "2    lpar2                          AixLinux NotActivated default_profile",
        ], Lines("Get-VScsiPartition"));
    }

    [Fact]
    public void GetVScsiServerAdapter_DefaultTable()
    {
        Assert.Equal([
            "Partition        Name     Slot Client                                       PairedWith",
            "---------        ----     ---- ------                                       ----------",
            "vios1            vhost0     11 lpar2/3                                      lpar2/vscsi0",
        ], Lines("Get-VScsiServerAdapter"));
    }

    [Fact]
    public void GetVScsiClientAdapter_DefaultTable_ShowsWhyAnAdapterIsNotPaired()
    {
        Assert.Equal([
            "Partition        Name     Slot Server                                  Required PairedWith",
            "---------        ----     ---- ------                                  -------- ----------",
            "lpar2            vscsi0      3 vios1/11                                True     vios1/vhost0",
            "lpar2            vscsi1      4 vios1/12                                False    (Unpaired)",
        ], Lines("Get-VScsiClientAdapter"));
    }

    [Fact]
    public void GetVScsiPartitionProfile_DefaultTable()
    {
        Assert.Equal([
            "Partition        Name             Default MaxSlots VirtualScsiAdapters",
            "---------        ----             ------- -------- -------------------",
            "vios1            default_profile  True    64       11/server/2/lpar2/3/0",
            "lpar2            default_profile  True    64       3/client/1/vios1/11/1, 4/client/1/vios1/12/0",
        ], Lines("Get-VScsiPartitionProfile"));
    }

    [Fact]
    public void TestVScsiConfiguration_DefaultTable_WrapsTheMessage()
    {
        Assert.Equal([
            "Severity Code                    Partition        Adapter  Message",
            "-------- ----                    ---------        -------  -------",
            "Warning  Unpaired                lpar2            vscsi1   Client adapter vscsi1 (slot 4) of 'lpar2' is not paired: par",
            "                                                           tition 'vios1' has no adapter in slot 12 yet.",
        ], Lines("Test-VScsiConfiguration"));
    }

    [Fact]
    public void GetVScsiSystem_DefaultTable()
    {
        var lines = Lines("Get-VScsiSystem");
        Assert.Equal("Name             Serial   Type       Partitions DatabasePath", lines[0]);
        Assert.Matches(@"^Server-[0-9A-Z]{7}   [0-9A-Z]{7}  9080.VSC            2 .*system\.db$", lines[2]);
    }
}
