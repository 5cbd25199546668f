namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Which -SystemPath holds a managed system (issue 11, item 4), and New-/Remove-VScsiSystem
/// (item 8), through a hosted PowerShell: error ids, -WhatIf leaves nothing, what is deleted.
/// </summary>
[Collection("PowerShell")]
public sealed class SystemCmdletTests(PowerShellFixture ps)
{
    private HostedResult RunIn(string folder, string script) => ps.Run("$sys = '" + folder + "'\n" + script);

    private static string IdOf(HostedResult r) => Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0];

    [Theory]
    [InlineData("Get-VScsiPartition -SystemPath $sys")]
    [InlineData("Get-VScsiSystem -SystemPath $sys")]
    [InlineData("Test-VScsiConfiguration -SystemPath $sys")]
    [InlineData("Remove-VScsiPartition vios1 -SystemPath $sys -Confirm:$false")]
    [InlineData("Start-VScsiPartition vios1 -SystemPath $sys")]
    [InlineData("Get-VScsiStoragePool -SystemPath $sys")]
    public void AnyNonCreatingCmdlet_SystemPathMissing_ThrowsSystemNotFoundAndCreatesNothing(string command)
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, command);
        Assert.Equal("SystemNotFound", IdOf(r));
        Assert.Contains("New-VScsiSystem", r.Errors[0].Exception.Message);
        Assert.False(Directory.Exists(folder), "a typo must not create a system");
    }

    [Fact]
    public void GetVScsiPartition_EmptyFolder_ThrowsSystemNotFound()
    {
        var folder = ps.NewTempSystemPath();
        Directory.CreateDirectory(folder);
        var r = RunIn(folder, "Get-VScsiPartition -SystemPath $sys");
        Assert.Equal("SystemNotFound", IdOf(r));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void GetVScsiPartition_SystemPathMissingFromEnvironment_ThrowsSystemNotFound()
    {
        var folder = ps.NewTempSystemPath();
        var r = ps.Run($"$env:VSCSI_HOME = '{folder}'; try {{ Get-VScsiPartition }} finally {{ $env:VSCSI_HOME = $null }}");
        Assert.Equal("SystemNotFound", IdOf(r));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void NewVScsiPartition_NewOrEmptyFolder_CreatesTheSystem()
    {
        var missing = ps.NewTempSystemPath();
        var empty = ps.NewTempSystemPath();
        Directory.CreateDirectory(empty);
        var r = ps.Run($"(New-VScsiPartition vios1 Vios -SystemPath '{missing}').Name; (New-VScsiPartition vios1 Vios -SystemPath '{empty}').Name");
        Assert.Empty(r.Errors);
        Assert.Equal(["vios1", "vios1"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void NewVScsiPartition_FolderWithOtherFiles_ThrowsSystemFolderNotEmpty()
    {
        var folder = ps.NewTempSystemPath();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        var r = RunIn(folder, "New-VScsiPartition vios1 Vios -SystemPath $sys");
        Assert.Equal("SystemFolderNotEmpty", IdOf(r));
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void NewVScsiPartition_WhatIfOnMissingFolder_LeavesNothing()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, "New-VScsiPartition vios1 Vios -SystemPath $sys -WhatIf");
        Assert.Empty(r.Errors);
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("Get-VScsiPartition -SystemPath $sys")]
    [InlineData("New-VScsiPartition vios1 Vios -SystemPath $sys")]
    [InlineData("New-VScsiSystem -Path $sys")]
    public void AnyCmdlet_SystemPathIsAFile_ThrowsSystemPathNotAFolder(string command)
    {
        var file = ps.NewTempSystemPath();
        File.WriteAllText(file, "not a folder");
        var r = RunIn(file, command);
        Assert.Equal("SystemPathNotAFolder", IdOf(r));
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("New-VScsiPartition vios1 Vios -SystemPath $sys")]
    [InlineData("New-VScsiSystem -Path $sys")]
    public void CreatingCmdlet_FolderCannotBeCreated_ThrowsSystemPathUnreadable(string command)
    {
        var file = ps.NewTempSystemPath();
        File.WriteAllText(file, "a file, so nothing can be made under it");
        var r = RunIn(Path.Combine(file, "sys"), command);
        Assert.Equal("SystemPathUnreadable", IdOf(r));
    }

    [Fact]
    public void NewVScsiSystem_NewFolder_CreatesItAndOutputsTheSystem()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, """
            $s = New-VScsiSystem -Path $sys
            $s.GetType().Name; $s.PartitionCount; $s.SystemPath -eq $sys
            (Get-VScsiSystem -SystemPath $sys).Serial -eq $s.Serial
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["VScsiSystem", "0", "True", "True"], r.Output.Select(o => o.ToString()));
        Assert.True(File.Exists(Path.Combine(folder, "system.db")));
    }

    [Fact]
    public void NewVScsiSystem_WhatIf_LeavesNothing()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, "New-VScsiSystem -Path $sys -WhatIf");
        Assert.Empty(r.Errors);
        Assert.Empty(r.Output);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void NewVScsiSystem_ExistingSystem_WritesSystemExistsAndKeepsIt()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, """
            $null = New-VScsiPartition vios1 Vios -SystemPath $sys
            New-VScsiSystem -Path $sys
            (Get-VScsiPartition -SystemPath $sys).Name
            """);
        Assert.Equal("SystemExists", IdOf(r));
        Assert.Equal(["vios1"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void NewVScsiSystem_ProviderPath_ResolvesAgainstPowerShellLocation()
    {
        var parent = ps.NewTempSystemPath();
        Directory.CreateDirectory(parent);
        var r = RunIn(parent, """
            Push-Location $sys
            try { (New-VScsiSystem -Path ('FileSystem::' + (Join-Path $sys 'a'))).SystemPath; (New-VScsiSystem -Path ./b).SystemPath }
            finally { Pop-Location }
            """);
        Assert.Empty(r.Errors);
        Assert.Equal([Path.Combine(parent, "a"), Path.Combine(parent, "b")], r.Output.Select(o => o.ToString()));
        Assert.True(File.Exists(Path.Combine(parent, "b", "system.db")));
    }

    [Fact]
    public void RemoveVScsiSystem_ManagedSystem_DeletesItsFilesAndTheFolder()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, """
            $null = New-VScsiSystem -Path $sys
            $null = New-VScsiPartition vios1 Vios -SystemPath $sys
            Remove-VScsiSystem -Path $sys -Force
            """);
        Assert.Empty(r.Errors);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void RemoveVScsiSystem_FromPipeline_RemovesThatSystem()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, "$null = New-VScsiSystem -Path $sys; Get-VScsiSystem -SystemPath $sys | Remove-VScsiSystem -Confirm:$false");
        Assert.Empty(r.Errors);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void RemoveVScsiSystem_OtherFilesInFolder_KeepsThemAndWarns()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, """
            $null = New-VScsiSystem -Path $sys
            Set-Content -Path (Join-Path $sys 'notes.txt') -Value mine
            Remove-VScsiSystem -Path $sys -Force 3>&1 | ForEach-Object { "$_" }
            """);
        Assert.Empty(r.Errors);
        Assert.Contains("notes.txt", Assert.Single(r.Output).ToString());
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void RemoveVScsiSystem_WhatIf_LeavesTheSystem()
    {
        var folder = ps.NewTempSystemPath();
        var r = RunIn(folder, "$null = New-VScsiSystem -Path $sys; Remove-VScsiSystem -Path $sys -WhatIf; (Get-VScsiSystem -SystemPath $sys).PartitionCount");
        Assert.Empty(r.Errors);
        Assert.Equal(["0"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void RemoveVScsiSystem_FolderWithoutSystem_WritesSystemNotFoundAndDeletesNothing()
    {
        var folder = ps.NewTempSystemPath();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "precious.txt"), "keep");
        var r = RunIn(folder, "Remove-VScsiSystem -Path $sys -Force");
        Assert.Equal("SystemNotFound", IdOf(r));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(folder, "precious.txt")));
    }

    [Fact]
    public void RemoveVScsiSystem_ForeignDatabase_WritesDatabaseNotSqliteAndDeletesNothing()
    {
        var folder = ps.NewTempSystemPath();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "system.db"), "someone else's file");
        var r = RunIn(folder, "Remove-VScsiSystem -Path $sys -Force");
        Assert.Equal("DatabaseNotSqlite", IdOf(r));
        Assert.Equal("someone else's file", File.ReadAllText(Path.Combine(folder, "system.db")));
    }

    [Fact]
    public void RemoveVScsiSystem_PartitionServedHere_StopsItFirst()
    {
        var folder = ps.NewTempSystemPath();
        var disk = Path.Combine(ps.NewTempSystemPath() + ".img");
        var r = RunIn(folder, $$"""
            $null = New-VScsiSystem -Path $sys
            $null = New-VScsiPartition vios1 Vios -SystemPath $sys
            $null = New-VScsiPartition lpar2 AixLinux -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
            $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
            $null = New-VScsiVirtualDisk -Partition vios1 -Name d1 -Path '{{disk}}' -Size 1MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice d1 -SystemPath $sys
            Start-VScsiPartition vios1 -SystemPath $sys
            Start-VScsiPartition lpar2 -SystemPath $sys
            $session = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
            $registry = [VScsi.PowerShell.ModuleRuntime]::Registry
            $registry.ServedFrom($sys).Count; @($registry.Sessions | Where-Object Nexus -eq $session.Nexus).Count
            Remove-VScsiSystem -Path $sys -Force
            Test-Path $sys
            $registry.ServedFrom($sys).Count; @($registry.Sessions | Where-Object Nexus -eq $session.Nexus).Count
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["1", "1", "False", "0", "0"], r.Output.Select(o => o.ToString()));
        File.Delete(disk);
    }

    [Fact]
    public void RegisterVScsiShouldOperator_PesterNotLoaded_ThrowsPesterNotLoaded()
    {
        var r = ps.Run("Register-VScsiShouldOperator");
        Assert.Equal("PesterNotLoaded", IdOf(r));
        Assert.Contains("Import-Module Pester", r.Errors[0].Exception.Message);
    }
}
