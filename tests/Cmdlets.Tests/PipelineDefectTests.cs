namespace VScsi.Cmdlets.Tests;

/// <summary>
/// The pipeline defects of issue 11, each as the issue wrote it, on the system of
/// <see cref="PipelineMatrixTests.Setup"/> (vhost0 serves lpar2 with d1, vhost1 serves lpar3 with d2).
/// </summary>
[Collection("PowerShell")]
public sealed class PipelineDefectTests(PowerShellFixture ps)
{
    /// <summary>A second object of each kind, so a Get- that widens shows it.</summary>
    private const string Siblings = """
        $null = New-VScsiClientAdapter -Partition lpar3 -Slot 4 -RemotePartition vios1 -RemoteSlot 13 -SystemPath $sys
        $null = New-VScsiMedia m2 1MB -SystemPath $sys
        $null = New-VScsiPartitionProfile vios1 p2 -SystemPath $sys
        $null = New-VScsiStoragePool vios1 pool9 ([IO.Path]::Combine($sys, 'pool9')) -SystemPath $sys
        $null = New-VScsiBackingDevice pool9 bd9 1MB -SystemPath $sys
        $null = New-VScsiBackingDevice pool1 bd2 1MB -SystemPath $sys

        """;

    private HostedResult RunIn(string script, string? sys = null)
    {
        sys ??= ps.NewTempSystemPath();
        return ps.Run($"$sys = '{sys}'\n" + PipelineMatrixTests.Setup + script);
    }

    private static void NoErrors(HostedResult r) =>
        Assert.Equal("", string.Join("\n", r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));

    [Theory]
    [InlineData("")]
    [InlineData("RoundTrip |")]
    [InlineData("RoundTrip -Depth 1 |")]
    [InlineData("Select-Object Partition, Name, SystemPath |")]
    [InlineData("Select-Object Partition, Name, SystemPath | RoundTrip |")]
    public void GetVScsiMapping_PipedServerAdapter_ReturnsOnlyItsMappings(string through)
    {
        var r = RunIn($$"""
            (Get-VScsiServerAdapter -Partition vios1 -Name vhost1 -SystemPath $sys | {{through}} Get-VScsiMapping | ForEach-Object { "$($_.ServerAdapter)/$($_.Device)" }) -join ','
            """);
        NoErrors(r);
        Assert.Equal("vhost1/vtscsi1", r.Output.Last().ToString());
    }

    /// <summary>
    /// The issue's words: the adapter saved to a file in one session, read back in another (a new
    /// runspace, no -SystemPath after the file) and piped on.
    /// </summary>
    [Fact]
    public void GetVScsiMapping_ServerAdapterFromImportClixmlFile_ReturnsOnlyItsMappings()
    {
        var sys = ps.NewTempSystemPath();
        var x = Path.Combine(sys, "vhost1.xml");
        NoErrors(RunIn($"Get-VScsiServerAdapter vios1 vhost1 -SystemPath $sys | Export-Clixml '{x}'", sys));
        var r = ps.Run($"(Import-Clixml '{x}' | Get-VScsiMapping | ForEach-Object {{ \"$($_.ServerAdapter)/$($_.Device)\" }}) -join ','");
        NoErrors(r);
        Assert.Equal("vhost1/vtscsi1", r.Output.Last().ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("RoundTrip |")]
    public void RemoveVScsiTargetDevice_FromOneAdaptersMappings_LeavesOtherClientsDisks(string through)
    {
        var r = RunIn($$"""
            Get-VScsiServerAdapter vios1 vhost1 -SystemPath $sys | {{through}} Get-VScsiMapping | {{through}} Remove-VScsiTargetDevice -Confirm:$false
            (Get-VScsiMapping -SystemPath $sys | ForEach-Object { "$($_.ServerAdapter)/$($_.Device)" }) -join ','
            """);
        NoErrors(r);
        Assert.Equal("vhost0/vtscsi0,vhost0/vtopt0,vhost0/vttape0,vhost1/", r.Output.Last().ToString());
    }

    [Theory]
    [InlineData("Get-VScsiServerAdapter vios1 vhost1 -SystemPath $sys | Get-VScsiServerAdapter", "vhost1")]
    [InlineData("Get-VScsiClientAdapter lpar3 vscsi0 -SystemPath $sys | Get-VScsiClientAdapter", "lpar3")]
    [InlineData("Get-VScsiVirtualDisk vios1 d2 -SystemPath $sys | Get-VScsiVirtualDisk", "d2")]
    [InlineData("Get-VScsiVirtualDisk vios1 d2 -SystemPath $sys | Get-VScsiMapping", "vtscsi1")]
    [InlineData("Get-VScsiBackingDevice pool1 bd1 -SystemPath $sys | Get-VScsiBackingDevice", "bd1")]
    [InlineData("Get-VScsiMedia vios1 m1 -SystemPath $sys | Get-VScsiMedia", "m1")]
    [InlineData("Get-VScsiPartitionProfile vios1 default_profile -SystemPath $sys | Get-VScsiPartitionProfile", "default_profile")]
    public void Get_PipedObjectOfItsOwnKind_NarrowsToThatObject(string pipeline, string expected)
    {
        var imported = pipeline.Replace(" | ", " | RoundTrip | ", StringComparison.Ordinal);
        var r = RunIn(Siblings + $"@({pipeline} | ForEach-Object {{ \"$_\" }}) -join ','\n@({imported} | ForEach-Object {{ \"$_\" }}) -join ','");
        NoErrors(r);
        var want = expected.Replace("lpar3", "vscsi0", StringComparison.Ordinal);
        Assert.Equal([want, want], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Add-VScsiTargetDevice -BackingDevice d3", "vhost0/vtscsi2")]
    [InlineData("Get-VScsiVirtualDisk vios1 d3 -SystemPath $sys | Add-VScsiTargetDevice -ServerAdapter vhost0", "vhost0/vtscsi2")]
    [InlineData("Get-VScsiBackingDevice pool1 bd1 -SystemPath $sys | Add-VScsiTargetDevice -ServerAdapter vhost0", "vhost0/vtscsi2")]
    [InlineData("Add-VScsiTargetDevice -ServerAdapter (Get-VScsiServerAdapter vios1 vhost1 -SystemPath $sys) -BackingDevice d3 -SystemPath $sys", "vhost1/vtscsi2")]
    [InlineData("Add-VScsiTargetDevice -ServerAdapter vios1/vhost1 -BackingDevice d3 -SystemPath $sys", "vhost1/vtscsi2")]
    [InlineData("New-VScsiBackingDevice -Pool pool1 -Name bd2 -Size 1MB -SystemPath $sys | Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -SystemPath $sys", "vhost0/vtscsi2")]
    [InlineData("Get-VScsiMedia vios1 m1 -SystemPath $sys | Mount-VScsiMedia -Device vtopt0 -PassThru", "vhost0/vtopt0")]
    [InlineData("Get-VScsiTapeCartridge vios1 t1 -SystemPath $sys | Mount-VScsiMedia -Device vttape0 -PassThru", "vhost0/vttape0")]
    public void Verb_PipedObject_ActsWithoutPrompting(string pipeline, string expected)
    {
        var r = RunIn($"@({pipeline} | ForEach-Object {{ \"$($_.ServerAdapter)/$($_.Device)\" }}) -join ','");
        NoErrors(r);
        Assert.Equal(expected, r.Output.Last().ToString());
    }

    [Theory]
    [InlineData("Get-VScsiPartition vios1 -SystemPath $sys | New-VScsiServerAdapter -Slot 15", "vhost2")]
    [InlineData("Get-VScsiPartition lpar2 -SystemPath $sys | New-VScsiClientAdapter -Slot 4 -RemotePartition vios1 -RemoteSlot 15", "vscsi1")]
    [InlineData("Get-VScsiPartition vios1 -SystemPath $sys | New-VScsiVirtualDisk -Name x -Path ([IO.Path]::Combine($sys, 'x.img')) -Size 1MB", "x")]
    [InlineData("Get-VScsiPartition vios1 -SystemPath $sys | New-VScsiStoragePool -Name pool2 -Path ([IO.Path]::Combine($sys, 'pool2'))", "pool2")]
    [InlineData("Get-VScsiPartition vios1 -SystemPath $sys | New-VScsiPartitionProfile -Name p3", "p3")]
    [InlineData("Get-VScsiPartition vios1 -SystemPath $sys | Get-VScsiBackup", "")]
    [InlineData("Get-VScsiStoragePool vios1 pool1 -SystemPath $sys | Get-VScsiBackingDevice", "bd1,bd2")]
    public void Verb_RefusedPipedPartitionOrPool_NowBinds(string pipeline, string expected)
    {
        var r = RunIn(Siblings + $"@({pipeline} | ForEach-Object {{ \"$_\" }}) -join ','");
        NoErrors(r);
        Assert.Equal(expected, r.Output.Last().ToString());
    }

    [Fact]
    public void NewVScsiVirtualDisk_WithoutName_NamesTheDiskAfterItsFile()
    {
        var r = RunIn("(New-VScsiVirtualDisk -Partition vios1 -Path ([IO.Path]::Combine($sys, 'x.img')) -Size 1MB -SystemPath $sys).Name");
        NoErrors(r);
        Assert.Equal("x", r.Output.Last().ToString());
    }

    [Fact]
    public void ServerAdapterParameter_ObjectOfAnotherKind_IsRefusedNotTurnedIntoItsName()
    {
        var r = RunIn("Add-VScsiTargetDevice -Partition vios1 -ServerAdapter (Get-VScsiVirtualDisk vios1 d1 -SystemPath $sys) -BackingDevice d3 -SystemPath $sys");
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("ParameterArgumentTransformationError,", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void ClientDevices_PipedAdapterOrDevice_ReachOnlyThatClientsDevices()
    {
        var r = RunIn("""
            Start-VScsiPartition vios1 -SystemPath $sys
            $sessions = @(Connect-VScsiClient -Partition lpar2 -SystemPath $sys) + @(Connect-VScsiClient -Partition lpar3 -SystemPath $sys)
            try {
                (Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys | Get-VScsiClientDevice | ForEach-Object { "$($_.Partition)/$($_.Name)" }) -join ','
                (Get-VScsiClientAdapter -Partition lpar3 -SystemPath $sys | RoundTrip | Get-VScsiClientDevice | ForEach-Object { "$($_.Partition)/$($_.Name)" }) -join ','
                (Get-VScsiPartition lpar3 -SystemPath $sys | Get-VScsiClientDevice | ForEach-Object { "$($_.Partition)/$($_.Name)" }) -join ','
                (Get-VScsiClientDevice -Partition lpar3 -SystemPath $sys | Where-Object Name -eq hdisk0 | RoundTrip | Read-VScsiBlock -Lba 0 -Count 1).Length
            } finally {
                $sessions | Disconnect-VScsiClient -Confirm:$false
                Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            }
            """);
        NoErrors(r);
        Assert.Equal("lpar3/hdisk0", r.Output[1].ToString());
        Assert.StartsWith("lpar2/hdisk0,", r.Output[0].ToString());
        Assert.DoesNotContain("lpar3", r.Output[0].ToString());
        Assert.Equal("lpar3/hdisk0", r.Output[2].ToString());
        Assert.Equal("512", r.Output[3].ToString());                      // hdisk0 of lpar3, found by the device's own Partition, not ambiguous
    }

    [Fact]
    public void Backups_PipedPartitionOrDeserializedBackup_Bind()
    {
        var r = RunIn("""
            $b = Start-VScsiBackup -Partition vios1 -Destination ([IO.Path]::Combine($sys, 'backups')) -SystemPath $sys
            @(Get-VScsiPartition vios1 -SystemPath $sys | Get-VScsiBackup).Partition -join ','
            @(Get-VScsiPartition lpar2 -SystemPath $sys | Get-VScsiBackup).Count
            ($b | RoundTrip | Test-VScsiBackup).IsValid
            """);
        NoErrors(r);
        Assert.Equal(["vios1", "0", "True"], r.Output.Select(o => o.ToString()));
    }
}
