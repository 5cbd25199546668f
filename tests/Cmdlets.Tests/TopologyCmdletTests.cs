using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VScsi.Cmdlets.Tests;

/// <summary>Export-VScsiTopology: Mermaid text to the pipeline, DOT that Graphviz renders, and its -Path file rules.</summary>
[Collection("PowerShell")]
public sealed class TopologyCmdletTests(PowerShellFixture ps)
{
    /// <summary>
    /// vios1 serves lpar2 through a pair (a pool backing device and a disk whose path has quotes,
    /// spaces and '#'), vios1 has an "any" adapter with a CD/DVD drive and a loaded medium, lpar2 a
    /// client adapter to a slot that does not exist, ibm3 nothing.
    /// </summary>
    private const string Setup = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name ibm3 -Type IbmI -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 4 -RemotePartition vios1 -RemoteSlot 20 -SystemPath $sys
        $null = New-VScsiStoragePool -Partition vios1 -Name clients -Path ([IO.Path]::Combine($sys, 'clients')) -SystemPath $sys
        $null = New-VScsiBackingDevice -Pool clients -Name lpar2_root -Size 1MB -SystemPath $sys
        $null = Add-VScsiTargetDevice vios1 vhost0 lpar2_root -SystemPath $sys
        $null = New-VScsiVirtualDisk vios1 data ([IO.Path]::Combine($sys, 'my "disks" #2', 'data.img')) -Size 1MB -SystemPath $sys
        $null = Add-VScsiTargetDevice vios1 vhost0 data -SystemPath $sys
        $null = New-VScsiMediaRepository -Partition vios1 -Path ([IO.Path]::Combine($sys, 'VMLibrary')) -SystemPath $sys
        $null = New-VScsiMedia -Partition vios1 -Name scratch -Size 1MB -SystemPath $sys
        $null = Add-VScsiTargetDevice vios1 vhost1 -Optical -SystemPath $sys
        Mount-VScsiMedia -Partition vios1 -Device vtopt0 -Media scratch -SystemPath $sys

        """;

    private (HostedResult Result, string Sys) RunIn(string script)
    {
        var sys = ps.NewTempSystemPath();
        return (ps.Run($"$sys = '{sys}'\n" + Setup + script), sys);
    }

    [Fact]
    public void Export_Mermaid_OneStringWithEveryPartitionPairAndDevice_UnpairedMarked()
    {
        var (r, _) = RunIn("Export-VScsiTopology -SystemPath $sys");
        Assert.Empty(r.Errors);
        var text = Assert.IsType<string>(Assert.Single(r.Output).BaseObject);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("flowchart LR", lines);
        Assert.Equal(["vios1", "lpar2", "ibm3"], lines.Select(l => Regex.Match(l, "^subgraph g\\d+\\[\"(.*)\"\\]$")).Where(m => m.Success).Select(m => m.Groups[1].Value));
        Assert.Contains("p1{{\"vios1<br/>Vios · NotActivated · id 1\"}}", lines);
        Assert.Contains("p2(\"lpar2<br/>AixLinux · NotActivated · id 2\")", lines);
        Assert.Contains("p3([\"ibm3<br/>IbmI · NotActivated · id 3\"])", lines);
        Assert.Contains("p1_s11 <==> p2_s3", lines);
        Assert.Single(lines, l => l.Contains("<==>", StringComparison.Ordinal));
        Assert.Contains("p1_s12 -.->|\"unpaired\"| p1_s12_missing", lines);
        Assert.Contains("p2_s4 -.->|\"unpaired\"| p2_s4_missing", lines);
        Assert.Contains("class p1_s12,p2_s4,p1_s12_missing,p2_s4_missing unpaired", lines);
        foreach (var device in new[] { "vtscsi0<br/>disk", "vtscsi1<br/>disk", "vtopt0<br/>CD/DVD drive" })
        {
            var id = Assert.Single(lines, l => l.Contains($"[\"{device}\"]", StringComparison.Ordinal)).Split('[')[0];
            Assert.Single(lines, l => Regex.IsMatch(l, $"^p1_s1[12] -->\\|\"LUN 0x8[12]00000000000000\"\\| {id}$"));
            Assert.Single(lines, l => l.StartsWith(id + " --> b", StringComparison.Ordinal));
        }
        Assert.Contains(lines, l => l.Contains("[(\"lpar2_root<br/>pool clients\")]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("my #quot;disks#quot; #35;2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[/\"scratch<br/>DVD-RAM\"/]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_DotToPath_GraphvizRendersAPngWithoutWarnings()
    {
        var (r, sys) = RunIn("Export-VScsiTopology -Format Dot -Path ([IO.Path]::Combine($sys, 'topology.dot')) -SystemPath $sys | ForEach-Object Name");
        Assert.Empty(r.Errors);
        Assert.Equal("topology.dot", Assert.Single(r.Output).ToString());
        var dotFile = Path.Combine(sys, "topology.dot");
        var png = Path.Combine(sys, "topology.png");
        var start = new ProcessStartInfo("dot") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-Tpng", "-o", png, dotFile }) start.ArgumentList.Add(a);
        using var dot = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var errors = dot.StandardError.ReadToEndAsync(timeout.Token);
        var output = dot.StandardOutput.ReadToEndAsync(timeout.Token);
        await dot.WaitForExitAsync(timeout.Token);
        Assert.Equal((0, "", ""), (dot.ExitCode, await errors, await output));
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 1000, $"the PNG has only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }

    [Fact]
    public void Export_PathExistsWithoutForce_TopologyFileExistsAndFileKept()
    {
        var (r, sys) = RunIn("""
            $file = [IO.Path]::Combine($sys, 'topology.mmd')
            Set-Content -Path $file -Value 'mine'
            Export-VScsiTopology -Path $file -SystemPath $sys
            (Get-Content -Raw $file).Trim()
            $null = Export-VScsiTopology -Path $file -Force -SystemPath $sys
            (Get-Content $file -TotalCount 4)[3]
            """);
        var error = Assert.Single(r.Errors);
        Assert.Equal("TopologyFileExists,VScsi.PowerShell.Commands.ExportVScsiTopologyCommand", error.FullyQualifiedErrorId);
        Assert.Equal(["mine", "flowchart LR"], r.Output.Select(o => o.ToString()));
        Assert.True(File.Exists(Path.Combine(sys, "topology.mmd")));
    }

    [Theory]
    [InlineData("[IO.Path]::Combine($sys, 'no-such-folder', 't.mmd')")]
    [InlineData("[IO.Path]::Combine($sys, 'clients')")]
    public void Export_PathNotWritable_StableErrorIdAndNothingWritten(string path)
    {
        var (r, sys) = RunIn($"Export-VScsiTopology -Path ({path}) -Force -SystemPath $sys");
        var error = Assert.Single(r.Errors);
        Assert.Equal("TopologyFileWriteFailed,VScsi.PowerShell.Commands.ExportVScsiTopologyCommand", error.FullyQualifiedErrorId);
        Assert.Empty(r.Output);
        Assert.False(Directory.Exists(Path.Combine(sys, "no-such-folder")));
    }

    [Fact]
    public void Export_WhatIf_WritesNoFile()
    {
        var (r, sys) = RunIn("Export-VScsiTopology -Format Dot -Path ([IO.Path]::Combine($sys, 't.dot')) -WhatIf -SystemPath $sys");
        Assert.Empty(r.Errors);
        Assert.Empty(r.Output);
        Assert.False(File.Exists(Path.Combine(sys, "t.dot")));
    }

    [Fact]
    public void Export_ServedOverIscsi_ShowsRunningStateAndPortal()
    {
        var (r, _) = RunIn("""
            Start-VScsiPartition vios1 -IscsiPortal 127.0.0.1:0 -SystemPath $sys
            $portal = (Get-VScsiPartition vios1 -SystemPath $sys).IscsiPortal
            $text = Export-VScsiTopology -SystemPath $sys
            Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            $portal
            $text
            """);
        Assert.Empty(r.Errors);
        var portal = r.Output[0].ToString();
        var text = r.Output[1].ToString();
        Assert.Matches(@"^127\.0\.0\.1:\d+$", portal);
        Assert.Contains($"p1_portal((\"iSCSI portal<br/>{portal}\"))", text);
        Assert.Contains("p1 -->|\"serves\"| p1_portal", text);
        Assert.Contains("class p1 running", text);
    }
}
