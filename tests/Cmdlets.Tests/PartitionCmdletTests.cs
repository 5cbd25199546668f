namespace VScsi.Cmdlets.Tests;

/// <summary>Partition and profile cmdlets through a hosted PowerShell: binding, pipelines, errors.</summary>
[Collection("PowerShell")]
public sealed class PartitionCmdletTests(PowerShellFixture ps)
{
    private const string TwoPartitions = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition lpar2 AixLinux -SystemPath $sys

        """;

    private HostedResult RunIn(string script) => ps.Run("$sys = '" + ps.NewTempSystemPath() + "'\n" + script);

    [Fact]
    public void NewVScsiPartition_Positional_ReturnsPartitionWithDefaults()
    {
        var r = RunIn("New-VScsiPartition vios1 Vios -SystemPath $sys");
        Assert.Empty(r.Errors);
        var p = r.Output.Single();
        Assert.Equal(1, p.Properties["Id"].Value);
        Assert.Equal("Vios", p.Properties["Type"].Value.ToString());
        Assert.Equal("NotActivated", p.Properties["State"].Value.ToString());
        Assert.Equal(64, p.Properties["MaxVirtualSlots"].Value);
        Assert.Equal("default_profile", p.Properties["DefaultProfile"].Value);
    }

    [Fact]
    public void GetVScsiPartition_WildcardsTypeAndPipelineByValue_Filter()
    {
        var r = RunIn(TwoPartitions + """
            (Get-VScsiPartition -Name 'l*' -SystemPath $sys).Name
            (Get-VScsiPartition -Type Vios -SystemPath $sys).Name
            ('lpar2', 'vios1' | Get-VScsiPartition -SystemPath $sys | ForEach-Object Id) -join ','
            (Get-VScsiPartition -Id 2 -SystemPath $sys).Name
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["lpar2", "vios1", "2,1", "lpar2"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void GetVScsiPartition_MissingPlainName_WritesPartitionNotFound()
    {
        var r = RunIn(TwoPartitions + "Get-VScsiPartition -Name nosuch, vios1 -SystemPath $sys");
        Assert.Single(r.Output);
        Assert.Equal("PartitionNotFound,VScsi.PowerShell.Commands.GetVScsiPartitionCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void SetVScsiPartition_PipelineRename_FollowsInRemoteAdapters()
    {
        var r = RunIn(TwoPartitions + """
            $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
            Get-VScsiPartition vios1 -SystemPath $sys | Set-VScsiPartition -NewName viosA -PassThru | ForEach-Object Name
            (Get-VScsiPartitionProfile -Partition lpar2 -SystemPath $sys).VirtualScsiAdapters
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["viosA", "3/client/1/viosA/11/0"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void StartStopVScsiPartition_Pipeline_ChangesState()
    {
        var r = RunIn(TwoPartitions + """
            (Get-VScsiPartition -SystemPath $sys | Start-VScsiPartition -PassThru | ForEach-Object State) -join ','
            (Get-VScsiPartition vios1 -SystemPath $sys).RunningProfile
            (Stop-VScsiPartition vios1 -PassThru -Confirm:$false -SystemPath $sys).State
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["Running,Running", "default_profile", "NotActivated"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void StartVScsiPartition_RequiredAdapterUnpaired_FailsNamingTheAdapter()
    {
        var r = RunIn(TwoPartitions + """
            $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -Required -SystemPath $sys
            Start-VScsiPartition lpar2 -SystemPath $sys
            (Get-VScsiPartition lpar2 -SystemPath $sys).State
            """);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("RequiredAdapterUnpaired,", error.FullyQualifiedErrorId);
        Assert.Contains("vscsi0 in slot 3", error.Exception.Message);
        Assert.Equal("NotActivated", r.Output.Single().ToString());
    }

    [Fact]
    public void ProfileCmdlets_HmcSyntaxEdits_RoundTrip()
    {
        var r = RunIn(TwoPartitions + """
            $null = New-VScsiPartitionProfile -Partition vios1 -Name prod -VirtualScsiAdapters '11/server/2/lpar2/3/1,12/server/any//any/0' -SystemPath $sys
            Set-VScsiPartitionProfile vios1 prod 'virtual_scsi_adapters+=13/server//lpar2/4/0' -SystemPath $sys
            Set-VScsiPartitionProfile vios1 prod 'virtual_scsi_adapters-=12/server/any//any/0' -SystemPath $sys
            (Get-VScsiPartitionProfile vios1 prod -SystemPath $sys).VirtualScsiAdapters
            Set-VScsiPartitionProfile vios1 prod none -SystemPath $sys
            (Get-VScsiPartitionProfile vios1 prod -SystemPath $sys).VirtualScsiAdapters
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["11/server/2/lpar2/3/1,13/server//lpar2/4/0", "none"], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("New-VScsiPartition vios1 Vios -SystemPath $sys", "PartitionNameInUse")]
    [InlineData("New-VScsiPartition 'bad name' Vios -SystemPath $sys", "PartitionNameInvalid")]
    [InlineData("New-VScsiPartition x Vios -Id 2 -SystemPath $sys", "PartitionIdInUse")]
    [InlineData("New-VScsiPartition x Vios -MaxVirtualSlots 2 -SystemPath $sys", "MaxVirtualSlotsInvalid")]
    [InlineData("Remove-VScsiPartition nosuch -Confirm:$false -SystemPath $sys", "PartitionNotFound")]
    [InlineData("Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys", "PartitionNotRunning")]
    [InlineData("Start-VScsiPartition vios1 -Profile nosuch -SystemPath $sys", "ProfileNotFound")]
    [InlineData("Remove-VScsiPartitionProfile vios1 default_profile -Confirm:$false -SystemPath $sys", "DefaultProfileRemoval")]
    [InlineData("New-VScsiPartitionProfile vios1 default_profile -SystemPath $sys", "ProfileNameInUse")]
    [InlineData("Set-VScsiPartitionProfile vios1 default_profile '11/server/any/x/any/1' -SystemPath $sys", "InvalidAdapterSyntax")]
    [InlineData("Set-VScsiPartitionProfile vios1 default_profile 'virtual_scsi_adapters-=11/server/any//any/1' -SystemPath $sys", "AdapterNotFound")]
    [InlineData("Start-VScsiPartition vios1 -SystemPath $sys; Set-VScsiPartition vios1 -MaxVirtualSlots 20 -SystemPath $sys", "PartitionRunning")]
    public void PartitionAndProfileCmdlets_BadInput_WriteStableErrorId(string script, string errorId)
    {
        var r = RunIn(TwoPartitions + script);
        var error = Assert.Single(r.Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.False(string.IsNullOrWhiteSpace(error.Exception.Message));
    }

    [Fact]
    public void RemoveVScsiPartition_PairedElsewhere_RefusedThenForced()
    {
        var r = RunIn(TwoPartitions + """
            $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
            Remove-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            @(Get-VScsiPartition -SystemPath $sys).Count
            Remove-VScsiPartition vios1 -Force -Confirm:$false -SystemPath $sys -WarningVariable w -WarningAction SilentlyContinue
            @(Get-VScsiPartition -SystemPath $sys).Count
            @(Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys).Count
            $w.Count
            """);
        Assert.Equal("PartitionHasPairedAdapters", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(["2", "1", "0", "1"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void SystemPath_FromVScsiHome_WhenNotGiven()
    {
        var r = RunIn("""
            $env:VSCSI_HOME = $sys
            try {
                $null = New-VScsiPartition vios9 Vios
                (Get-VScsiSystem).DatabasePath
                (Get-VScsiPartition -SystemPath $sys).Name
            } finally { $env:VSCSI_HOME = $null }
            """);
        Assert.Empty(r.Errors);
        Assert.EndsWith("system.db", r.Output[0].ToString());
        Assert.Equal("vios9", r.Output[1].ToString());
    }

    [Theory]
    [InlineData("this is not a database, and it must survive", "DatabaseNotSqlite")]
    [InlineData("", "DatabaseEmpty")]
    [InlineData("SQLite format 3\0 cut short", "DatabaseCorrupt")]
    public void UnusableDatabase_TerminatesWithItsOwnId_AndKeepsTheFile(string content, string id)
    {
        var sys = ps.NewTempSystemPath();
        Directory.CreateDirectory(sys);
        var db = Path.Combine(sys, "system.db");
        File.WriteAllText(db, content);
        var written = File.GetLastWriteTimeUtc(db);
        var r = ps.Run($"Get-VScsiPartition -SystemPath '{sys}'; New-VScsiPartition vios1 Vios -SystemPath '{sys}'; 'after'");
        Assert.Equal([id, id], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));   // the listing and the creation
        Assert.Equal(["after"], r.Output.Select(o => o.ToString()));
        Assert.Equal(content, File.ReadAllText(db));
        Assert.Equal(written, File.GetLastWriteTimeUtc(db));
        Assert.Equal(["system.db"], Directory.GetFileSystemEntries(sys).Select(Path.GetFileName));
    }

    [Fact]
    public void DirectoryAsDatabase_TerminatesWithDatabaseNotAFile()
    {
        var sys = ps.NewTempSystemPath();
        Directory.CreateDirectory(Path.Combine(sys, "system.db"));
        var r = ps.Run($"Get-VScsiPartition -SystemPath '{sys}'");
        Assert.Equal("DatabaseNotAFile", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("InvalidType", r.Errors[0].CategoryInfo.Category.ToString());
    }
}
