namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Issue 11 item 5, completion: every parameter that names something completes, through
/// TabExpansion2 as pwsh's prompt calls it, on <see cref="PipelineMatrixTests.Setup"/> (plus one
/// backup of vios1) in a system whose path holds a space. The system comes from -SystemPath on the
/// line, $PSDefaultParameterValues or $env:VSCSI_HOME, the partition from -Partition. lpar2 has a
/// second profile, lpar2_alt.
/// </summary>
[Collection("PowerShell")]
public sealed class CompletionTests(PowerShellFixture ps)
{
    private static readonly object Gate = new();
    private static string? _shared;

    /// <summary>The shared system (made once): a folder named 'my system', so every line quotes it.</summary>
    private string Sys
    {
        get
        {
            lock (Gate)
            {
                if (_shared is not null) return _shared;
                var sys = Path.Combine(ps.NewTempSystemPath(), "my system");
                var r = ps.Run($"$sys = '{sys}'\n" + PipelineMatrixTests.Setup
                    + "$null = New-VScsiPartitionProfile -Partition lpar2 -Name lpar2_alt -SystemPath $sys\n"
                    + "$null = Start-VScsiBackup -Partition vios1 -Destination ([IO.Path]::Combine($sys, 'backups')) -SystemPath $sys");
                Assert.Equal("", string.Join("\n", r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
                return _shared = sys;
            }
        }
    }

    /// <summary>The completion texts TabExpansion2 offers at the end of <paramref name="line"/> ({sys} stands for the quoted system path).</summary>
    private List<string> Complete(string line, string before = "", string after = "")
    {
        var text = line.Replace("{sys}", "'" + Sys.Replace("'", "''") + "'");
        var r = ps.Run($$"""
            $sys = '{{Sys.Replace("'", "''")}}'
            {{before}}
            try {
                $line = '{{text.Replace("'", "''")}}'
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            } finally {
                {{after}}
            }
            """);
        Assert.Equal("", string.Join("\n", r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return r.Output.Select(o => o.ToString()).ToList();
    }

    [Theory]
    [InlineData("Add-VScsiTargetDevice -SystemPath {sys} -Partition vios1 -ServerAdapter ", "vhost0,vhost1")]
    [InlineData("Get-VScsiMapping -SystemPath {sys} -ServerAdapter ", "vhost0,vhost1")]
    [InlineData("Get-VScsiMapping -SystemPath {sys} -Partition vios1 -ServerAdapter ", "vhost0,vhost1")]
    [InlineData("Set-VScsiServerAdapter -SystemPath {sys} -Partition vios1 -Name ", "vhost0,vhost1")]
    [InlineData("Get-VScsiClientAdapter -SystemPath {sys} -Partition lpar2 -Name ", "vscsi0")]
    [InlineData("Get-VScsiClientDevice -SystemPath {sys} -Partition lpar3 -Adapter ", "vscsi0")]
    [InlineData("Add-VScsiTargetDevice -SystemPath {sys} -Partition vios1 -ServerAdapter vhost0 -BackingDevice ", "bd1,d1,d2,d3")]
    [InlineData("Get-VScsiMapping -SystemPath {sys} -Partition vios1 -BackingDevice ", "bd1,d1,d2,d3")]
    [InlineData("Remove-VScsiVirtualDisk -SystemPath {sys} -Partition vios1 -Name ", "bd1,d1,d2,d3")]
    [InlineData("Resize-VScsiVirtualDisk -SystemPath {sys} -Partition vios1 -Name ", "bd1,d1,d2,d3")]
    [InlineData("Get-VScsiVirtualDisk -SystemPath {sys} -Partition vios1 -Name ", "bd1,d1,d2,d3")]
    [InlineData("Get-VScsiBackingDevice -SystemPath {sys} -Name ", "bd1")]
    [InlineData("Remove-VScsiBackingDevice -SystemPath {sys} -Name ", "bd1")]
    [InlineData("Get-VScsiStoragePool -SystemPath {sys} -Name ", "pool1")]
    [InlineData("Get-VScsiBackingDevice -SystemPath {sys} -PoolName ", "pool1")]
    [InlineData("New-VScsiBackingDevice -SystemPath {sys} -Pool ", "pool1")]
    [InlineData("Remove-VScsiStoragePool -SystemPath {sys} -Name ", "pool1")]
    [InlineData("Remove-VScsiTargetDevice -SystemPath {sys} -Partition vios1 -Name ", "vtopt0,vtscsi0,vtscsi1,vttape0")]
    [InlineData("Mount-VScsiMedia -SystemPath {sys} -Partition vios1 -Device ", "vtopt0,vttape0")]
    [InlineData("Mount-VScsiMedia -SystemPath {sys} -Partition vios1 -Device vtopt0 -Media ", "m1")]
    [InlineData("Mount-VScsiMedia -SystemPath {sys} -Partition vios1 -Device vttape0 -Media ", "t1")]
    [InlineData("Get-VScsiMedia -SystemPath {sys} -Name ", "m1,t1")]
    [InlineData("Get-VScsiTapeCartridge -SystemPath {sys} -Name ", "t1")]
    [InlineData("Remove-VScsiTapeCartridge -SystemPath {sys} -Name ", "t1")]
    [InlineData("Get-VScsiPartitionProfile -SystemPath {sys} -Partition vios1 -Name ", "default_profile")]
    [InlineData("Start-VScsiPartition -SystemPath {sys} -Name vios1 -Profile ", "default_profile")]
    [InlineData("Start-VScsiPartition -SystemPath {sys} -Name lpar2 -Profile ", "default_profile,lpar2_alt")]
    [InlineData("Set-VScsiPartition -SystemPath {sys} -Name lpar2 -DefaultProfile l", "lpar2_alt")]
    [InlineData("Get-VScsiPartitionProfile -SystemPath {sys} -Partition lpar2 -Name ", "default_profile,lpar2_alt")]
    [InlineData("Get-VScsiPartition -SystemPath {sys} -Name ", "lpar2,lpar3,vios1")]
    [InlineData("Get-VScsiPartition -SystemPath $sys -Name ", "lpar2,lpar3,vios1")]
    [InlineData("Restore-VScsiBackup -SystemPath {sys} -ClientPartition ", "lpar2,lpar3,vios1")]
    public void Completer_OnTheLine_OffersTheNamesOfThatSystemAndPartition(string line, string expected)
    {
        Assert.Equal(expected, string.Join(",", Complete(line)));
    }

    [Theory]
    [InlineData("Test-VScsiBackup -SystemPath {sys} -Id ")]
    [InlineData("Remove-VScsiBackup -SystemPath {sys} -Id ")]
    [InlineData("Restore-VScsiBackup -SystemPath {sys} -Id ")]
    public void BackupIdCompleter_OnTheLine_OffersTheBackupOfThePartition(string line)
    {
        var id = ps.Run($"(Get-VScsiBackup -SystemPath '{Sys}').Id.ToString()").Output.Single().ToString();
        Assert.Equal([id], Complete(line));
    }

    [Fact]
    public void ClientDeviceCompleter_ConnectedSessions_OffersTheDevicesTheClientSees()
    {
        var devices = Complete("Read-VScsiBlock -Partition lpar2 -Device ",
            before: "Start-VScsiPartition vios1 -SystemPath $sys; $session = Connect-VScsiClient -Partition lpar2 -SystemPath $sys",
            after: "$session | Disconnect-VScsiClient -Confirm:$false; Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys");
        Assert.Equal("cd0,hdisk0,rmt0", string.Join(",", devices));
    }

    [Fact]
    public void ClientDeviceCompleter_TapeDevice_OffersOnlyTapeDrives()
    {
        var devices = Complete("Start-VScsiBackup -SystemPath {sys} -Partition vios1 -Destination x -TapeDevice ",
            before: "Start-VScsiPartition vios1 -SystemPath $sys; $session = Connect-VScsiClient -Partition lpar2 -SystemPath $sys",
            after: "$session | Disconnect-VScsiClient -Confirm:$false; Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys");
        Assert.Equal(["rmt0"], devices);
    }

    [Fact]
    public void BackupDeviceCompleter_WithId_OffersTheDevicesInThatBackup()
    {
        var id = ps.Run($"(Get-VScsiBackup -SystemPath '{Sys}').Id.ToString()").Output.Single().ToString();
        var devices = Complete($"Restore-VScsiBackup -SystemPath {{sys}} -Id {id} -Device ");
        Assert.Contains("d1", devices);
        Assert.DoesNotContain("vhost0", devices);
    }

    [Fact]
    public void ClientDeviceCompleter_NoSession_OffersNothing()
    {
        Assert.Empty(Complete("Write-VScsiBlock -Partition lpar2 -Device "));
    }

    [Theory]
    [InlineData("Get-VScsi*:SystemPath")]
    [InlineData("*:SystemPath")]
    public void Completer_SystemPathInPSDefaultParameterValues_IsHonoured(string key)
    {
        var names = Complete("Get-VScsiStoragePool -Name ", before: $"$PSDefaultParameterValues['{key}'] = $sys");
        Assert.Equal(["pool1"], names);
    }

    [Fact]
    public void Completer_PartitionInPSDefaultParameterValues_IsHonoured()
    {
        var names = Complete("Get-VScsiServerAdapter -SystemPath {sys} -Name ", before: "$PSDefaultParameterValues['*-VScsi*:Partition'] = 'vios1'");
        Assert.Equal(["vhost0", "vhost1"], names);
    }

    [Fact]
    public void Completer_SystemInVScsiHome_IsHonoured()
    {
        var names = Complete("Add-VScsiTargetDevice -Partition vios1 -ServerAdapter ",
            before: "$saved = $env:VSCSI_HOME; $env:VSCSI_HOME = $sys", after: "$env:VSCSI_HOME = $saved");
        Assert.Equal(["vhost0", "vhost1"], names);
    }

    [Fact]
    public void Completer_RelativeSystemPath_IsResolvedAgainstTheCurrentLocation()
    {
        var names = Complete("Get-VScsiStoragePool -SystemPath './my system' -Name ",
            before: "Push-Location ([IO.Path]::GetDirectoryName($sys))", after: "Pop-Location");
        Assert.Equal(["pool1"], names);
    }

    [Theory]
    [InlineData("Get-VScsiVirtualDisk -SystemPath {sys} -Partition vios1 -Name d", "d1,d2,d3")]
    [InlineData("Get-VScsiVirtualDisk -SystemPath {sys} -Partition vios1 -Name D2", "d2")]
    [InlineData("Add-VScsiTargetDevice -SystemPath {sys} -Partition vios1 -ServerAdapter vhost1", "vhost1")]
    [InlineData("Add-VScsiTargetDevice -SystemPath {sys} -Partition vios1 -ServerAdapter 'vh", "'vhost0','vhost1'")]
    [InlineData("Get-VScsiPartition -SystemPath {sys} -Name x", "")]
    public void Completer_PartialWord_Filters(string line, string expected)
    {
        Assert.Equal(expected, string.Join(",", Complete(line)));
    }

    [Fact]
    public void Quote_NameWithSpaces_IsQuotedForTheLine()
    {
        var r = ps.Run("""
            [VScsi.PowerShell.Completers.VScsiCompleter]::Quote('my disk')
            [VScsi.PowerShell.Completers.VScsiCompleter]::Quote("it's")
            [VScsi.PowerShell.Completers.VScsiCompleter]::Quote('d1')
            [VScsi.PowerShell.Completers.VScsiCompleter]::Quote('a $b', [char]'"')
            """);
        Assert.Equal(["'my disk'", "'it''s'", "d1", "\"a `$b\""], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Completer_NoSystemAtThePath_OffersNothingAndCreatesNothing()
    {
        var missing = ps.NewTempSystemPath();
        var names = Complete($"Get-VScsiPartition -SystemPath '{missing}' -Name ");
        Assert.Empty(names);
        Assert.False(Directory.Exists(missing), "completion must not create a system");
    }

    [Fact]
    public void Completer_SystemPathIsAFile_OffersNothing()
    {
        var file = Path.Combine(Sys, "not-a-system.txt");
        File.WriteAllText(file, "x");
        Assert.Empty(Complete($"Get-VScsiPartition -SystemPath '{file}' -Name "));
    }
}
