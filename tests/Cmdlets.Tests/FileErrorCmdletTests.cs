namespace VScsi.Cmdlets.Tests;

/// <summary>
/// -Path and -Destination file errors are VScsi error records with their own ids (never a raw
/// IOException), and a failure leaves nothing behind; provider paths resolve against $PWD.
/// </summary>
[Collection("PowerShell")]
public sealed class FileErrorCmdletTests(PowerShellFixture ps)
{
    /// <summary>A system with vios1 owning a 1 MiB disk, and an empty folder 'work' in it.</summary>
    private string NewSystem()
    {
        var sys = ps.NewTempSystemPath();
        var setup = ps.Run($"""
            $sys = '{sys}'
            $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
            $null = New-VScsiVirtualDisk -Partition vios1 -Name root -Path ([IO.Path]::Combine($sys, 'root.img')) -Size 1MB -SystemPath $sys
            $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($sys, 'work'))
            """);
        Assert.Empty(setup.Errors);
        return sys;
    }

    private static string ErrorId(HostedResult r) => Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0];

    private static void AssertEmptyFolder(string folder) => Assert.Empty(Directory.EnumerateFileSystemEntries(folder));

    [Fact]
    public void ExportConfiguration_FolderMissing_OutputFolderNotFoundAndNothingCreated()
    {
        var sys = NewSystem();
        var r = ps.Run($"Export-VScsiConfiguration -Path '{Path.Combine(sys, "work", "nope", "x.json")}' -SystemPath '{sys}'");
        Assert.Equal("OutputFolderNotFound", ErrorId(r));
        Assert.Empty(r.Output);
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void ExportConfiguration_PathIsAFolder_OutputPathIsFolderAndFolderUntouched()
    {
        var sys = NewSystem();
        var r = ps.Run($"Export-VScsiConfiguration -Path '{Path.Combine(sys, "work")}' -SystemPath '{sys}'");
        Assert.Equal("OutputPathIsFolder", ErrorId(r));
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void ExportConfiguration_RelativePath_WrittenBesidePwdWithNoTemporaryLeft()
    {
        var sys = NewSystem();
        var r = ps.Run($"Set-Location '{Path.Combine(sys, "work")}'; (Export-VScsiConfiguration -Path x.json -SystemPath '{sys}').FullName");
        Assert.Empty(r.Errors);
        Assert.Equal(Path.Combine(sys, "work", "x.json"), Assert.Single(r.Output).ToString());
        Assert.Equal(["x.json"], Directory.EnumerateFileSystemEntries(Path.Combine(sys, "work")).Select(Path.GetFileName));
    }

    [Fact]
    public void ImportConfiguration_FileMissing_InputFileNotFound()
    {
        var sys = NewSystem();
        var r = ps.Run($"Import-VScsiConfiguration -Path '{Path.Combine(sys, "work", "missing.json")}' -SystemPath '{sys}'");
        Assert.Equal("InputFileNotFound", ErrorId(r));
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void WriteBlock_FileMissing_InputFileNotFound()
    {
        var sys = NewSystem();
        var r = ps.Run($"Write-VScsiBlock -Device hdisk0 -Lba 0 -Path '{Path.Combine(sys, "work", "missing.bin")}' -SystemPath '{sys}'");
        Assert.Equal("InputFileNotFound", ErrorId(r));
    }

    [Fact]
    public void WriteTape_PathIsAFolder_InputPathIsFolder()
    {
        var sys = NewSystem();
        var r = ps.Run($"Write-VScsiTape -Device rmt0 -Path '{Path.Combine(sys, "work")}' -SystemPath '{sys}'");
        Assert.Equal("InputPathIsFolder", ErrorId(r));
    }

    [Fact]
    public void ReadBlock_FolderMissing_OutputFolderNotFoundAndNothingCreated()
    {
        var sys = NewSystem();
        var r = ps.Run($"Read-VScsiBlock -Device hdisk0 -Lba 0 -Path '{Path.Combine(sys, "work", "nope", "out.bin")}' -SystemPath '{sys}'");
        Assert.Equal("OutputFolderNotFound", ErrorId(r));
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void ReadTape_FolderMissing_OutputFolderNotFoundAndNothingCreated()
    {
        var sys = NewSystem();
        var r = ps.Run($"Read-VScsiTape -Device rmt0 -Path '{Path.Combine(sys, "work", "nope", "out.tar")}' -SystemPath '{sys}'");
        Assert.Equal("OutputFolderNotFound", ErrorId(r));
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void StartBackup_DestinationIsAFile_BackupDestinationNotAFolderAndFileUntouched()
    {
        var sys = NewSystem();
        var file = Path.Combine(sys, "work", "existing.tar");
        File.WriteAllText(file, "keep");
        var r = ps.Run($"Start-VScsiBackup -Partition vios1 -Destination '{file}' -SystemPath '{sys}'");
        Assert.Equal("BackupDestinationNotAFolder", ErrorId(r));
        Assert.Equal("keep", File.ReadAllText(file));
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.Combine(sys, "work")));
    }

    [Fact]
    public void StartBackup_DestinationAnArchiveName_BackupDestinationNotAFolderAndNothingCreated()
    {
        var sys = NewSystem();
        var r = ps.Run($"Start-VScsiBackup -Partition vios1 -Destination '{Path.Combine(sys, "work", "vios1.tar")}' -SystemPath '{sys}'");
        Assert.Equal("BackupDestinationNotAFolder", ErrorId(r));
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void StartBackup_DestinationMissingWithWhatIf_CreatesNothing()
    {
        var sys = NewSystem();
        var r = ps.Run($"Start-VScsiBackup -Partition vios1 -Destination '{Path.Combine(sys, "work", "nightly")}' -WhatIf -SystemPath '{sys}'");
        Assert.Empty(r.Errors);
        AssertEmptyFolder(Path.Combine(sys, "work"));
    }

    [Fact]
    public void StartBackup_DestinationMissingRelative_FolderCreatedWithTheProductsArchiveName()
    {
        var sys = NewSystem();
        var r = ps.Run($"Set-Location '{Path.Combine(sys, "work")}'; (Start-VScsiBackup -Partition vios1 -Destination nightly/vios1 -SystemPath '{sys}').Path");
        Assert.Empty(r.Errors);
        var archive = Assert.Single(Directory.GetFiles(Path.Combine(sys, "work", "nightly", "vios1")));
        Assert.Matches(@"^vios1-\d{8}T\d{6}Z-full-[0-9a-f]{8}\.tar$", Path.GetFileName(archive));
        Assert.Equal(archive, Assert.Single(r.Output).ToString());
    }
}
