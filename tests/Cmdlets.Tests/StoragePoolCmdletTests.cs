namespace VScsi.Cmdlets.Tests;

/// <summary>Storage pool and backing device cmdlets.</summary>
[Collection("PowerShell")]
public sealed class StoragePoolCmdletTests(PowerShellFixture ps)
{
    private const string Setup = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -SystemPath $sys
        $null = New-VScsiStoragePool -Partition vios1 -Name clients -Path ([IO.Path]::Combine($sys, 'clients')) -Size 10MB -SystemPath $sys

        """;

    private HostedResult RunIn(string script, bool render = false)
    {
        var text = $"$sys = '{ps.NewTempSystemPath()}'\n" + script;
        return render ? ps.Render(text) : ps.Run(text);
    }

    [Fact]
    public void CarveMapAndReport_UsedAndFree()
    {
        var r = RunIn(Setup + """
            New-VScsiBackingDevice -Pool clients -Name lpar2_root -Size 6MB -SystemPath $sys | Add-VScsiTargetDevice -ServerAdapter vhost0 -BackingDevice lpar2_root | ForEach-Object ViosLun
            $p = Get-VScsiStoragePool -SystemPath $sys
            "$($p.UsedBytes / 1MB),$($p.FreeBytes / 1MB),$($p.BackingDevices -join '+')"
            (Get-VScsiBackingDevice -Pool clients -SystemPath $sys).Pool
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["0x8100000000000000", "6,4,lpar2_root", "clients"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void PoolTable_ShowsSizes()
    {
        var r = RunIn(Setup + "$null = New-VScsiBackingDevice clients d 2MB -SystemPath $sys\nGet-VScsiStoragePool -SystemPath $sys", render: true);
        Assert.Empty(r.Errors);
        var lines = r.Text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.Equal("Name           Partition             Size      Free Path", lines[0]);
        Assert.StartsWith("clients        vios1             10.0 MiB   8.0 MiB ", lines[2]);
    }

    [Theory]
    [InlineData("New-VScsiBackingDevice clients big 11MB -SystemPath $sys", "StoragePoolFull")]
    [InlineData("New-VScsiBackingDevice nosuch d 1MB -SystemPath $sys", "StoragePoolNotFound")]
    [InlineData("$null = New-VScsiBackingDevice clients d 1MB -SystemPath $sys; Remove-VScsiStoragePool clients -Confirm:$false -SystemPath $sys", "StoragePoolNotEmpty")]
    [InlineData("$null = New-VScsiBackingDevice clients d 8MB -SystemPath $sys; Resize-VScsiBackingDevice d 12MB -SystemPath $sys", "StoragePoolFull")]
    [InlineData("$null = New-VScsiVirtualDisk vios1 alone ([IO.Path]::Combine($sys, 'a.img')) -Size 1MB -SystemPath $sys; Remove-VScsiBackingDevice alone -Confirm:$false -SystemPath $sys", "NotABackingDevice")]
    [InlineData("New-VScsiStoragePool vios1 clients ([IO.Path]::Combine($sys, 'other')) -SystemPath $sys", "StoragePoolNameInUse")]
    public void PoolCmdlets_BadInput_WriteStableErrorId(string script, string errorId)
    {
        var r = RunIn(Setup + script);
        var error = Assert.Single(r.Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
    }
}

/// <summary>-WhatIf on the storage and client cmdlets leaves files, folders and the database alone.</summary>
[Collection("PowerShell")]
public sealed class StorageWhatIfTests(PowerShellFixture ps)
{
    [Fact]
    public void WhatIf_TouchesNothing()
    {
        var sys = ps.NewTempSystemPath();
        var setup = ps.Run($$"""
            $sys = '{{sys}}'
            $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
            $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
            $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
            $null = New-VScsiStoragePool -Partition vios1 -Name clients -Path ([IO.Path]::Combine($sys, 'clients')) -SystemPath $sys
            $null = New-VScsiBackingDevice -Pool clients -Name d -Size 1MB -SystemPath $sys
            $null = Add-VScsiTargetDevice vios1 vhost0 d -SystemPath $sys
            """);
        Assert.Empty(setup.Errors);
        var db = Path.Combine(sys, "system.db");
        var image = Path.Combine(sys, "clients", "d.img");
        var before = (File.ReadAllBytes(db), new FileInfo(image).Length);
        var r = ps.Run($$"""
            $sys = '{{sys}}'
            New-VScsiStoragePool vios1 more ([IO.Path]::Combine($sys, 'more')) -WhatIf -SystemPath $sys
            New-VScsiBackingDevice clients e 1MB -WhatIf -SystemPath $sys
            Resize-VScsiBackingDevice d 2MB -WhatIf -SystemPath $sys
            Resize-VScsiVirtualDisk d 2MB -WhatIf -SystemPath $sys
            Remove-VScsiBackingDevice d -WhatIf -SystemPath $sys
            Remove-VScsiTargetDevice vios1 vtscsi0 -RemoveBacking -WhatIf -SystemPath $sys
            Remove-VScsiStoragePool clients -WhatIf -SystemPath $sys
            Start-VScsiPartition vios1 -WhatIf -SystemPath $sys
            Connect-VScsiClient lpar2 -WhatIf -SystemPath $sys
            """);
        Assert.Empty(r.Errors);
        Assert.False(Directory.Exists(Path.Combine(sys, "more")));
        Assert.False(File.Exists(Path.Combine(sys, "clients", "e.img")));
        Assert.Equal(before.Item2, new FileInfo(image).Length);
        Assert.Equal(before.Item1, File.ReadAllBytes(db));
    }
}
