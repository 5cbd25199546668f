using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace VScsi.Cmdlets.Tests;

/// <summary>Virtual disks and target devices through the cmdlets: lsmap-style view, -WhatIf, error ids, pipelines.</summary>
[Collection("PowerShell")]
public sealed class StorageCmdletTests(PowerShellFixture ps)
{
    private const string Setup = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiVirtualDisk vios1 root ([IO.Path]::Combine($sys, 'root.img')) -Size 64MB -SystemPath $sys

        """;

    private (HostedResult Result, string Sys) RunIn(string script, bool render = false)
    {
        var sys = ps.NewTempSystemPath();
        var text = $"$sys = '{sys}'\n" + script;
        return (render ? ps.Render(text) : ps.Run(text), sys);
    }

    [Fact]
    public void MapAndList_LsmapStyleView()
    {
        var (r, _) = RunIn(Setup + """
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice root -SystemPath $sys
            Get-VScsiMapping -SystemPath $sys
            """, render: true);
        Assert.Empty(r.Errors);
        var lines = Regex.Replace(r.Text, @"U9080\.VSC\.[0-9A-Z]{7}", "U9080.VSC.SERIAL").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.Equal("   SVSA: vios1/vhost0  U9080.VSC.SERIAL-V1-C11  client id 2", lines[0]);
        Assert.Equal("VTD      LUN                Backing                  BackingPath", lines[1]);
        Assert.StartsWith("vtscsi0  0x8100000000000000 root                     ", lines[3]);
    }

    [Fact]
    public void WhatIf_CreatesNoFileAndLeavesTheDatabase()
    {
        var (r, sys) = RunIn(Setup);
        Assert.Empty(r.Errors);
        var db = Path.Combine(sys, "system.db");
        var before = SHA256.HashData(File.ReadAllBytes(db));
        var after = ps.Run($$"""
            $sys = '{{sys}}'
            New-VScsiVirtualDisk vios1 data ([IO.Path]::Combine($sys, 'data.img')) -Size 1MB -WhatIf -SystemPath $sys
            Add-VScsiTargetDevice vios1 vhost0 root -WhatIf -SystemPath $sys
            Remove-VScsiVirtualDisk root -DeleteFile -WhatIf -SystemPath $sys
            """);
        Assert.Empty(after.Errors);
        Assert.False(File.Exists(Path.Combine(sys, "data.img")));
        Assert.True(File.Exists(Path.Combine(sys, "root.img")));
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(db)));
    }

    [Fact]
    public void PipedMappingRemoval_WithBacking_RemovesDiskAndFile()
    {
        var (r, sys) = RunIn(Setup + """
            $null = Add-VScsiTargetDevice vios1 vhost0 root -SystemPath $sys
            Get-VScsiMapping vios1 vhost0 -SystemPath $sys | Where-Object Device | Remove-VScsiTargetDevice -RemoveBacking -Confirm:$false
            @(Get-VScsiVirtualDisk -SystemPath $sys).Count
            (Get-VScsiMapping -SystemPath $sys).Status
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["0", "NoDevice"], r.Output.Select(o => o.ToString()));
        Assert.False(File.Exists(Path.Combine(sys, "root.img")));
    }

    [Theory]
    [InlineData("New-VScsiVirtualDisk lpar2 x ([IO.Path]::Combine($sys, 'x.img')) -Size 1MB -SystemPath $sys", "StorageRequiresServerPartition")]
    [InlineData("New-VScsiVirtualDisk vios1 root ([IO.Path]::Combine($sys, 'y.img')) -Size 1MB -SystemPath $sys", "VirtualDiskNameInUse")]
    [InlineData("New-VScsiVirtualDisk vios1 z ([IO.Path]::Combine($sys, 'root.img')) -Size 1MB -SystemPath $sys", "VirtualDiskPathInUse")]
    [InlineData("New-VScsiVirtualDisk vios1 z ([IO.Path]::Combine($sys, 'z.img')) -Size 1000 -SystemPath $sys", "VirtualDiskSizeInvalid")]
    [InlineData("New-VScsiVirtualDisk vios1 z ([IO.Path]::Combine($sys, 'none.img')) -SystemPath $sys", "VirtualDiskFileError")]
    [InlineData("Add-VScsiTargetDevice vios1 vhost0 nosuch -SystemPath $sys", "VirtualDiskNotFound")]
    [InlineData("Add-VScsiTargetDevice vios1 vhost9 root -SystemPath $sys", "AdapterNotFound")]
    [InlineData("$null = Add-VScsiTargetDevice vios1 vhost0 root -SystemPath $sys; Add-VScsiTargetDevice vios1 vhost0 root -SystemPath $sys", "BackingDeviceInUse")]
    [InlineData("$null = Add-VScsiTargetDevice vios1 vhost0 root -SystemPath $sys; Remove-VScsiVirtualDisk root -Confirm:$false -SystemPath $sys", "VirtualDiskMapped")]
    [InlineData("Remove-VScsiTargetDevice vios1 vtscsi5 -Confirm:$false -SystemPath $sys", "TargetDeviceNotFound")]
    [InlineData("Remove-VScsiPartition vios1 -Confirm:$false -SystemPath $sys", "PartitionHasStorage")]
    public void StorageCmdlets_BadInput_WriteStableErrorId(string script, string errorId)
    {
        var (r, _) = RunIn(Setup + script);
        var error = Assert.Single(r.Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
    }
}
