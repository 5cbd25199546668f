using System.Diagnostics;

namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Issue 10 defects 6 and 7: every size and count is range-checked with a VScsi error id before
/// anything is created, sums never overflow, and a backing path may not be one of the system's own
/// files or an image that is not whole blocks.
/// </summary>
[Collection("PowerShell")]
public sealed class SizeLimitCmdletTests(PowerShellFixture ps)
{
    private const string Setup = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiMediaRepository -Partition vios1 -Path ([IO.Path]::Combine($sys, 'VMLibrary')) -SystemPath $sys

        """;

    private (HostedResult Result, string Sys) RunIn(string script)
    {
        var sys = ps.NewTempSystemPath();
        return (ps.Run($"$sys = '{sys}'\n" + Setup + script), sys);
    }

    private static string[] Ids(HostedResult r) => r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray();

    [Theory]
    [InlineData("([long]::MaxValue)")]
    [InlineData("1PB")]
    [InlineData("65TB")]
    public void NewVScsiTapeCartridge_HugeCapacity_MediaSizeInvalidAndEverythingStillWorks(string capacity)
    {
        var (r, sys) = RunIn($"""
            New-VScsiTapeCartridge -Partition vios1 -Name huge -Capacity {capacity} -SystemPath $sys
            $null = New-VScsiTapeCartridge -Partition vios1 -Name ok -Capacity 1GB -SystemPath $sys
            (Get-VScsiMediaRepository -Partition vios1 -SystemPath $sys).UsedBytes
            $null = Export-VScsiConfiguration -Path ([IO.Path]::Combine($sys, 'export.json')) -SystemPath $sys
            'exported'
            """);
        Assert.Equal(["MediaSizeInvalid"], Ids(r));
        Assert.Equal(["1073741824", "exported"], r.Output.Select(o => o.ToString()));
        Assert.False(File.Exists(Path.Combine(sys, "VMLibrary", "huge.tap")));
    }

    [Fact]
    public void NewVScsiTapeCartridge_TwoLargeOnesInAnUnlimitedRepository_SumsDoNotOverflow()
    {
        var (r, _) = RunIn("""
            $null = New-VScsiTapeCartridge -Partition vios1 -Name a -Capacity 64TB -SystemPath $sys
            $null = New-VScsiTapeCartridge -Partition vios1 -Name b -Capacity 64TB -SystemPath $sys
            (Get-VScsiMediaRepository -Partition vios1 -SystemPath $sys).UsedBytes
            (Get-VScsiTapeCartridge -SystemPath $sys).Count
            """);
        Assert.Empty(r.Errors);
        Assert.Equal([(128L << 40).ToString(System.Globalization.CultureInfo.InvariantCulture), "2"], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("1PB")]
    [InlineData("([long]::MaxValue - 511)")]
    public void NewVScsiVirtualDisk_SizeBeyondTheMaximum_VirtualDiskSizeInvalidNoFile(string size)
    {
        var (r, sys) = RunIn($"New-VScsiVirtualDisk vios1 big ([IO.Path]::Combine($sys, 'big.img')) -Size {size} -SystemPath $sys");
        Assert.Equal(["VirtualDiskSizeInvalid"], Ids(r));
        Assert.Contains("at most", r.Errors[0].Exception.Message);
        Assert.False(File.Exists(Path.Combine(sys, "big.img")));
    }

    [Fact]
    public void ResizeVScsiVirtualDisk_BeyondTheMaximum_VirtualDiskSizeInvalidSizeKept()
    {
        var (r, _) = RunIn("""
            $null = New-VScsiVirtualDisk vios1 root ([IO.Path]::Combine($sys, 'root.img')) -Size 1MB -SystemPath $sys
            Resize-VScsiVirtualDisk -Name root -Size 1PB -Confirm:$false -SystemPath $sys
            (Get-VScsiVirtualDisk -Name root -SystemPath $sys).SizeBytes
            """);
        Assert.Equal(["VirtualDiskSizeInvalid"], Ids(r));
        Assert.Equal(["1048576"], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("New-VScsiStoragePool -Partition vios1 -Name p -Path ([IO.Path]::Combine($sys, 'p')) -Size ([long]::MaxValue) -SystemPath $sys", "StoragePoolSizeInvalid")]
    [InlineData("New-VScsiMedia -Partition vios1 -Name dvd -Size 1PB -SystemPath $sys", "MediaSizeInvalid")]
    public void New_SizeBeyondTheMaximum_Refused(string command, string id)
    {
        var (r, _) = RunIn(command);
        Assert.Equal([id], Ids(r));
    }

    [Fact]
    public void NewVScsiBackingDevice_InAPoolOfMaximumSize_SumsChecked()
    {
        var (r, _) = RunIn("""
            $null = New-VScsiStoragePool -Partition vios1 -Name p -Path ([IO.Path]::Combine($sys, 'p')) -Size (1024 * 1PB) -SystemPath $sys
            $null = New-VScsiBackingDevice -Pool p -Name a -Size 1MB -SystemPath $sys
            New-VScsiBackingDevice -Pool p -Name b -Size 1PB -SystemPath $sys
            (Get-VScsiStoragePool -Name p -SystemPath $sys).UsedBytes
            """);
        Assert.Equal(["VirtualDiskSizeInvalid"], Ids(r));
        Assert.Equal(["1048576"], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("system.db")]
    [InlineData("system.db-wal")]
    [InlineData("system.db-shm")]
    [InlineData("system.db-journal")]
    [InlineData("iscsi-secrets.json")]
    [InlineData("serve-1.lock")]
    [InlineData("serve-1.sock")]
    public void NewVScsiVirtualDisk_OnASystemFile_BackingPathReservedAndTheFileUntouched(string file)
    {
        var (r, sys) = RunIn($$"""
            $path = [IO.Path]::Combine($sys, '{{file}}')
            if (-not [IO.File]::Exists($path)) { [IO.File]::WriteAllBytes($path, [byte[]]::new(4096)) }
            $before = [IO.File]::ReadAllBytes($path).Length
            New-VScsiVirtualDisk vios1 cfg $path -SystemPath $sys
            New-VScsiVirtualDisk vios1 cfg2 $path -Size 1MB -SystemPath $sys
            if ([IO.File]::Exists($path)) { [IO.File]::ReadAllBytes($path).Length -eq $before } else { $true }   # SQLite removes its -wal and -shm on close
            (Get-VScsiVirtualDisk -SystemPath $sys).Count
            """);
        Assert.Equal(["BackingPathReserved", "BackingPathReserved"], Ids(r));
        Assert.Equal(["True", "0"], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("symbolic")]
    [InlineData("hard")]
    public void NewVScsiVirtualDisk_ThroughALinkToTheDatabase_BackingPathReserved(string kind)
    {
        var (r, sys) = RunIn("$null = Get-VScsiSystem -SystemPath $sys");
        Assert.Empty(r.Errors);
        var link = Path.Combine(Path.GetTempPath(), "vscsi-link-" + Guid.NewGuid().ToString("N") + ".img");
        try
        {
            if (kind == "symbolic") File.CreateSymbolicLink(link, Path.Combine(sys, "system.db"));
            else using (var ln = Process.Start("ln", [Path.Combine(sys, "system.db"), link])) ln.WaitForExit();
            Assert.True(File.Exists(link));
            var r2 = ps.Run($"New-VScsiVirtualDisk vios1 cfg '{link}' -SystemPath '{sys}'");
            Assert.Equal(["BackingPathReserved"], Ids(r2));
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public void NewVScsiVirtualDisk_OnAnotherDisksSideFileOrAMedium_BackingPathReserved()
    {
        var (r, _) = RunIn("""
            $null = New-VScsiVirtualDisk vios1 root ([IO.Path]::Combine($sys, 'root.img')) -Size 1MB -SystemPath $sys
            [IO.File]::WriteAllBytes([IO.Path]::Combine($sys, 'root.img.pr.json'), [byte[]]::new(512))
            New-VScsiVirtualDisk vios1 pr ([IO.Path]::Combine($sys, 'root.img.pr.json')) -SystemPath $sys
            New-VScsiVirtualDisk vios1 cbt ([IO.Path]::Combine($sys, 'x.img.cbt')) -Size 1MB -SystemPath $sys
            $tape = New-VScsiTapeCartridge -Partition vios1 -Name t1 -Capacity 1GB -SystemPath $sys
            [IO.File]::WriteAllBytes($tape.Path, [byte[]]::new(512))
            New-VScsiVirtualDisk vios1 tape $tape.Path -SystemPath $sys
            """);
        Assert.Equal(["BackingPathReserved", "BackingPathReserved", "BackingPathReserved"], Ids(r));
    }

    [Fact]
    public void NewVScsiVirtualDisk_FileNotWholeBlocks_BackingSizeNotBlockAligned()
    {
        var (r, sys) = RunIn("""
            [IO.File]::WriteAllText([IO.Path]::Combine($sys, 'passwd'), "root:x:0:0:root:/root:/bin/bash`n")
            New-VScsiVirtualDisk vios1 etc ([IO.Path]::Combine($sys, 'passwd')) -SystemPath $sys
            [IO.File]::WriteAllBytes([IO.Path]::Combine($sys, 'whole.img'), [byte[]]::new(8192))
            New-VScsiVirtualDisk vios1 w4k ([IO.Path]::Combine($sys, 'whole.img')) -BlockSize 4096 -SystemPath $sys | ForEach-Object Name
            """);
        Assert.Equal(["BackingSizeNotBlockAligned"], Ids(r));
        Assert.Equal(["w4k"], r.Output.Select(o => o.ToString()));
        Assert.Equal("root:x:0:0:root:/root:/bin/bash\n", File.ReadAllText(Path.Combine(sys, "passwd")));
    }
}
