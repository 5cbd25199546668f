using System.Security.Cryptography;

namespace VScsi.Cmdlets.Tests;

/// <summary>Adapter cmdlets: the issue's examples, -WhatIf, error ids, completion and table views.</summary>
[Collection("PowerShell")]
public sealed class AdapterCmdletTests(PowerShellFixture ps)
{
    private const string Setup = """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name lpar3 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys

        """;

    private (HostedResult Result, string Sys) RunIn(string script)
    {
        var sys = ps.NewTempSystemPath();
        return (ps.Run($"$sys = '{sys}'\n" + script), sys);
    }

    [Fact]
    public void IssueExamples_PairAndPipe()
    {
        var (r, _) = RunIn(Setup + """
            (Get-VScsiPartition -Type Vios -SystemPath $sys | Get-VScsiServerAdapter | ForEach-Object { "$($_.Name):$($_.Status):$($_.PairedWith)" })
            (Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys).LocationCode -match '^U9080\.VSC\.[0-9A-Z]{7}-V2-C3$'
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["vhost0:Paired:lpar2/vscsi0", "True"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void RemoveServerAdapter_PipedWithWhatIf_LeavesDatabaseByteForByte()
    {
        var (r, sys) = RunIn(Setup);
        Assert.Empty(r.Errors);
        var db = Path.Combine(sys, "system.db");
        var before = SHA256.HashData(File.ReadAllBytes(db));
        var after = ps.Run($$"""
            $sys = '{{sys}}'
            Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Remove-VScsiServerAdapter -WhatIf
            New-VScsiServerAdapter -Partition vios1 -Slot 12 -WhatIf -SystemPath $sys
            New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 12 -WhatIf -SystemPath $sys
            New-VScsiPartition -Name lpar4 -Type AixLinux -WhatIf -SystemPath $sys
            Set-VScsiPartition -Name lpar2 -NewName x -WhatIf -SystemPath $sys
            Remove-VScsiPartition -Name lpar3 -WhatIf -SystemPath $sys
            Start-VScsiPartition -Name vios1 -WhatIf -SystemPath $sys
            New-VScsiPartitionProfile -Partition vios1 -Name p2 -WhatIf -SystemPath $sys
            Set-VScsiPartitionProfile -Partition vios1 -Name default_profile -VirtualScsiAdapters none -WhatIf -SystemPath $sys
            Remove-VScsiClientAdapter -Partition lpar2 -Name vscsi0 -WhatIf -SystemPath $sys
            @(Get-VScsiServerAdapter -SystemPath $sys).Count
            """);
        Assert.Empty(after.Errors);
        Assert.Equal("1", after.Output.Single().ToString());
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(db)));
    }

    [Fact]
    public void RemoveAdapters_Pipeline_RemovesFromTheConfigurationTheyCameFrom()
    {
        var (r, _) = RunIn(Setup + """
            Start-VScsiPartition vios1 -SystemPath $sys
            Get-VScsiServerAdapter -Partition vios1 -SystemPath $sys | Remove-VScsiServerAdapter -Confirm:$false
            @(Get-VScsiServerAdapter -Partition vios1 -SystemPath $sys).Count
            @(Get-VScsiServerAdapter -Partition vios1 -Profile default_profile -SystemPath $sys).Count
            (Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys).Status
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["0", "1", "Unpaired"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void DynamicAdd_WithSaveToProfile_ChangesRunningAndProfile()
    {
        var (r, _) = RunIn(Setup + """
            Start-VScsiPartition vios1 -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 13 -SaveToProfile -SystemPath $sys
            (Get-VScsiServerAdapter -Partition vios1 -SystemPath $sys | ForEach-Object Slot) -join ','
            (Get-VScsiPartitionProfile vios1 -SystemPath $sys).VirtualScsiAdapters
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["11,12,13", "11/server/2/lpar2/3/0,13/server/any//any/0"], r.Output.Select(o => o.ToString()));
    }

    [Theory]
    [InlineData("New-VScsiServerAdapter -Partition vios1 -Slot 1 -SystemPath $sys", "SlotReserved")]
    [InlineData("New-VScsiServerAdapter -Partition vios1 -Slot 64 -SystemPath $sys", "SlotOutOfRange")]
    [InlineData("New-VScsiServerAdapter -Partition vios1 -Slot 11 -SystemPath $sys", "SlotInUse")]
    [InlineData("New-VScsiServerAdapter -Partition lpar2 -Slot 5 -SystemPath $sys", "ServerAdapterRequiresServerPartition")]
    [InlineData("New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition lpar2 -RemoteSlot 5 -SystemPath $sys", "RemotePartitionNotServer")]
    [InlineData("New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition vios1 -SystemPath $sys", "SelfPairing")]
    [InlineData("New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys", "ServerAdapterNotAllowed")]
    [InlineData("New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition nosuch -RemoteSlot 11 -SystemPath $sys", "PartitionNotFound")]
    [InlineData("New-VScsiServerAdapter -Partition vios1 -Slot 12 -Name vhost0 -SystemPath $sys", "AdapterNameInUse")]
    [InlineData("Remove-VScsiServerAdapter -Partition vios1 -Name vhost9 -Confirm:$false -SystemPath $sys", "AdapterNotFound")]
    [InlineData("Get-VScsiServerAdapter -Partition vios1 -Name vhost9 -SystemPath $sys", "AdapterNotFound")]
    [InlineData("$null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -SystemPath $sys; $null = New-VScsiClientAdapter -Partition lpar3 -Slot 4 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys; New-VScsiClientAdapter -Partition lpar2 -Slot 4 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys", "ServerAdapterInUse")]
    [InlineData("$null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -Required -SystemPath $sys; Start-VScsiPartition vios1 -SystemPath $sys; Remove-VScsiServerAdapter -Partition vios1 -Slot 12 -Confirm:$false -SystemPath $sys", "RequiredAdapterRemoval")]
    public void AdapterCmdlets_BadInput_WriteStableErrorId(string script, string errorId)
    {
        var (r, _) = RunIn(Setup + script);
        var error = Assert.Single(r.Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void TestVScsiConfiguration_ReportsUnpairedAndRequired()
    {
        var (r, _) = RunIn(Setup + """
            $null = New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 20 -Required -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 21 -RemotePartition lpar3 -RemoteSlot 9 -SystemPath $sys
            Test-VScsiConfiguration -SystemPath $sys | ForEach-Object { "$($_.Severity) $($_.Code) $($_.Partition) $($_.Adapter)" }
            Test-VScsiConfiguration -Quiet -SystemPath $sys
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["Warning Unpaired vios1 vhost1", "Error RequiredAdapterUnpaired lpar3 vscsi0", "False"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void TabCompletion_CompletesPartitionAndAdapterNames()
    {
        var (r, _) = RunIn(Setup + """
            $line = "Get-VScsiServerAdapter -SystemPath '$sys' -Partition vi"
            ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches | ForEach-Object CompletionText) -join ','
            $line = "Remove-VScsiClientAdapter -SystemPath '$sys' -Partition lpar2 -Name "
            ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches | ForEach-Object CompletionText) -join ','
            $line = "New-VScsiClientAdapter -SystemPath '$sys' -Partition lpar3 -Slot 3 -RemotePartition "
            ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches | ForEach-Object CompletionText) -join ','
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["vios1", "vscsi0", "lpar2,lpar3,vios1"], r.Output.Select(o => o.ToString()));   // completions are sorted by name
    }
}
