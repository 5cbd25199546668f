namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Every Get-* output piped into every verb that takes it: as the live object, as the object back
/// from a real <c>Export-Clixml -Path</c> / <c>Import-Clixml</c> (Deserialized.* type names,
/// properties only, as a job or remoting also hands them back), and as a parameter value. The verb
/// gets no -SystemPath of its own, so it must take it from the piped object.
/// </summary>
[Collection("PowerShell")]
public sealed class PipelineMatrixTests(PowerShellFixture ps)
{
    /// <summary>
    /// vios1 serves lpar2 (vhost0 to vscsi0: d1, an optical and a tape drive) and lpar3 (vhost1 to
    /// vscsi0: d2); d3 is unmapped; pool1 holds bd1; the repository holds m1 and cartridge t1.
    /// <c>RoundTrip [-Depth n]</c> writes its input to a temp file (outside the system folder, so the
    /// -WhatIf hashes do not see it) with Export-Clixml and reads it back with Import-Clixml; depth 2
    /// is Export-Clixml's default, depth 1 what remoting and jobs use.
    /// </summary>
    internal const string Setup = """
        $img = [IO.Path]::Combine($sys, 'images')
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name lpar3 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition lpar3 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys
        foreach ($d in 'd1', 'd2', 'd3') { $null = New-VScsiVirtualDisk -Partition vios1 -Name $d -Path ([IO.Path]::Combine($img, "$d.img")) -Size 1MB -SystemPath $sys }
        $null = Add-VScsiTargetDevice vios1 vhost0 d1 -SystemPath $sys
        $null = Add-VScsiTargetDevice vios1 vhost1 d2 -SystemPath $sys
        $null = Add-VScsiTargetDevice vios1 vhost0 -Optical -SystemPath $sys
        $null = Add-VScsiTargetDevice vios1 vhost0 -Tape -SystemPath $sys
        $null = New-VScsiStoragePool vios1 pool1 ([IO.Path]::Combine($sys, 'pool1')) -SystemPath $sys
        $null = New-VScsiBackingDevice pool1 bd1 1MB -SystemPath $sys
        $null = New-VScsiMediaRepository vios1 ([IO.Path]::Combine($sys, 'repo')) -SystemPath $sys
        $null = New-VScsiMedia m1 1MB -SystemPath $sys
        $null = New-VScsiTapeCartridge t1 8MB -SystemPath $sys
        function RoundTrip([int] $Depth = 2) {
            $file = [IO.Path]::Combine([IO.Path]::GetTempPath(), "vscsi-clixml-$([guid]::NewGuid().ToString('N')).xml")
            try { $input | Export-Clixml -LiteralPath $file -Depth $Depth; Import-Clixml -LiteralPath $file }
            finally { Remove-Item -LiteralPath $file -ErrorAction Ignore }
        }

        """;

    /// <summary>One cell of the matrix: what is listed, the verb it is piped into, what the verb then shows.</summary>
    /// <param name="Param">The parameter that takes the object as a value (the -Parameter $object form), or null.</param>
    /// <param name="Changes">Whether the verb changes state (then -WhatIf must leave nothing).</param>
    public sealed record Cell(string Source, string Verb, string Show, string Expected, string? Param = null, bool Changes = false)
    {
        public override string ToString() => $"{Source} | {Verb}";
    }

    public static readonly Cell[] Cells =
    [
        // Partitions
        new("Get-VScsiPartition vios1", "Get-VScsiServerAdapter", "Name", "vhost0,vhost1", "-Partition"),
        new("Get-VScsiPartition lpar2", "Get-VScsiClientAdapter", "Name", "vscsi0", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiPartitionProfile", "Name", "default_profile", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiVirtualDisk", "Name", "d1,d2,d3,bd1", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiStoragePool", "Name", "pool1", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiMedia", "Name", "m1", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiTapeCartridge", "Name", "t1", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiMediaRepository", "Partition", "vios1", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiMapping", "Device", "vtscsi0,vtopt0,vttape0,vtscsi1", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiBackup", "Partition", "", "-Partition"),
        new("Get-VScsiPartition vios1", "Get-VScsiIscsiSession", "Target", ""),
        new("Get-VScsiPartition lpar2", "Get-VScsiClientDevice", "Name", "", "-Partition"),
        new("Get-VScsiPartition vios1", "Test-VScsiConfiguration", "Code", "", "-Partition"),
        new("Get-VScsiPartition vios1", "New-VScsiServerAdapter -Slot 15", "Name", "vhost2", "-Partition", true),
        new("Get-VScsiPartition lpar2", "New-VScsiClientAdapter -Slot 4 -RemotePartition vios1 -RemoteSlot 16", "Name", "vscsi1", "-Partition", true),
        new("Get-VScsiPartition vios1", "New-VScsiVirtualDisk -Path ([IO.Path]::Combine($sys, 'images', 'x.img')) -Size 1MB", "Name", "x", "-Partition", true),
        new("Get-VScsiPartition vios1", "New-VScsiStoragePool -Name pool2 -Path ([IO.Path]::Combine($sys, 'pool2'))", "Name", "pool2", "-Partition", true),
        new("Get-VScsiPartition vios1", "New-VScsiPartitionProfile -Name p2", "Name", "p2", "-Partition", true),
        new("Get-VScsiPartition lpar3", "Set-VScsiPartition -NewName lpar9 -PassThru", "Name", "lpar9", "-Name", true),
        new("Get-VScsiPartition lpar3", "Remove-VScsiPartition -Confirm:$false -Force", "Name", "", "-Name", true),
        new("Get-VScsiPartition vios1", "Start-VScsiPartition -PassThru", "State", "Running", "-Name", true),
        // Profiles
        new("Get-VScsiPartitionProfile vios1 default_profile", "Set-VScsiPartitionProfile -VirtualScsiAdapters none -PassThru", "VirtualScsiAdapters", "none", "-Partition $src -Name", true),
        new("Get-VScsiPartitionProfile vios1 default_profile", "Get-VScsiPartitionProfile", "Name", "default_profile"),
        // Server adapters
        new("Get-VScsiServerAdapter vios1 vhost1", "Get-VScsiMapping", "Device", "vtscsi1", "-ServerAdapter"),
        new("Get-VScsiServerAdapter vios1 vhost1", "Get-VScsiServerAdapter", "Name", "vhost1"),
        new("Get-VScsiServerAdapter vios1 vhost0", "Add-VScsiTargetDevice -BackingDevice d3", "ServerAdapter", "vhost0", "-ServerAdapter", true),
        new("Get-VScsiServerAdapter vios1 vhost1", "Add-VScsiTargetDevice -Optical", "Device", "vtopt1", "-ServerAdapter", true),
        new("Get-VScsiServerAdapter vios1 vhost1", "Set-VScsiServerAdapter -IscsiName iqn.2026-12.org.example:t1 -PassThru", "IscsiName", "iqn.2026-12.org.example:t1", Changes: true),
        new("Get-VScsiServerAdapter vios1 vhost1", "Remove-VScsiServerAdapter -Confirm:$false -PassThru", "Name", "vhost1", Changes: true),
        // Client adapters
        new("Get-VScsiClientAdapter lpar2 vscsi0", "Get-VScsiClientAdapter", "Name", "vscsi0"),
        new("Get-VScsiClientAdapter lpar2 vscsi0", "Get-VScsiClientDevice", "Name", ""),
        new("Get-VScsiClientAdapter lpar2 vscsi0", "Set-VScsiClientAdapter -QueueDepth 8 -PassThru", "QueueDepth", "8", Changes: true),
        new("Get-VScsiClientAdapter lpar3 vscsi0", "Remove-VScsiClientAdapter -Confirm:$false -PassThru", "Partition", "lpar3", Changes: true),
        // Virtual disks and backing devices
        new("Get-VScsiVirtualDisk vios1 d1", "Get-VScsiMapping", "ServerAdapter", "vhost0", "-BackingDevice"),
        new("Get-VScsiVirtualDisk vios1 d2", "Get-VScsiVirtualDisk", "Name", "d2"),
        new("Get-VScsiVirtualDisk vios1 d3", "Add-VScsiTargetDevice -ServerAdapter vhost1", "Device", "vtscsi2", "-BackingDevice", true),
        new("Get-VScsiVirtualDisk vios1 d3", "Resize-VScsiVirtualDisk -Size 2MB -PassThru", "SizeBytes", "2097152", "-Name", true),
        new("Get-VScsiVirtualDisk vios1 d3", "Remove-VScsiVirtualDisk -Confirm:$false", "Name", "", "-Name", true),
        new("Get-VScsiBackingDevice pool1 bd1", "Get-VScsiBackingDevice", "Name", "bd1"),
        new("Get-VScsiBackingDevice pool1 bd1", "Add-VScsiTargetDevice -ServerAdapter vhost1", "BackingDevice", "bd1", "-BackingDevice", true),
        new("Get-VScsiBackingDevice pool1 bd1", "Resize-VScsiBackingDevice -Size 2MB -PassThru", "SizeBytes", "2097152", "-Name", true),
        new("Get-VScsiBackingDevice pool1 bd1", "Remove-VScsiBackingDevice -Confirm:$false", "Name", "", "-Name", true),
        new("New-VScsiBackingDevice pool1 bd2 1MB", "Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost1", "BackingDevice", "bd2", Changes: true),
        // Pools
        new("Get-VScsiStoragePool vios1 pool1", "Get-VScsiBackingDevice", "Name", "bd1", "-PoolName"),
        new("Get-VScsiStoragePool vios1 pool1", "Get-VScsiStoragePool", "Name", "pool1"),
        new("Get-VScsiStoragePool vios1 pool1", "New-VScsiBackingDevice -Name bd3 -Size 1MB", "Pool", "pool1", "-Pool", true),
        // Mappings and drives
        new("Get-VScsiMapping vios1 vhost1", "Get-VScsiMapping", "Device", "vtscsi1"),
        new("Get-VScsiMapping vios1 vhost1", "Remove-VScsiTargetDevice -Confirm:$false", "Name", "", "-Partition $src -Name", true),
        new("Get-VScsiMapping vios1 vhost0 -SystemPath $sys | Where-Object Device -eq vtopt0", "Mount-VScsiMedia -Media m1 -PassThru", "BackingDevice", "m1", "-Device", true),
        new("Mount-VScsiMedia vtopt0 m1 -PassThru", "Dismount-VScsiMedia", "Device", "", "-Device", true),
        // Media and cartridges
        new("Get-VScsiMedia vios1 m1", "Mount-VScsiMedia -Device vtopt0 -PassThru", "BackingDevice", "m1", "-Media", true),
        new("Get-VScsiTapeCartridge vios1 t1", "Mount-VScsiMedia -Device vttape0 -PassThru", "BackingDevice", "t1", "-Media", true),
        new("Get-VScsiMedia vios1 m1", "Get-VScsiMedia", "Name", "m1"),
        new("Get-VScsiMedia vios1 m1", "Rename-VScsiMedia -NewName m2 -PassThru", "Name", "m2", "-Name", true),
        new("Get-VScsiMedia vios1 m1", "Remove-VScsiMedia -Confirm:$false", "Name", "", "-Name", true),
        new("Get-VScsiTapeCartridge vios1 t1", "Remove-VScsiTapeCartridge -Confirm:$false", "Name", "", "-Name", true),
        new("Remove-VScsiMedia m1 -Confirm:$false -SystemPath $sys; Remove-VScsiTapeCartridge t1 -Confirm:$false -SystemPath $sys; Get-VScsiMediaRepository vios1 -SystemPath $sys", "Remove-VScsiMediaRepository -Confirm:$false", "Name", "", Changes: true),
    ];

    public static TheoryData<Cell, string> Forms()
    {
        var data = new TheoryData<Cell, string>();
        foreach (var cell in Cells)
        {
            data.Add(cell, "live");
            data.Add(cell, "clixml");
            if (cell.Param is not null) data.Add(cell, "param");
        }
        return data;
    }

    public static TheoryData<Cell, string> Changing()
    {
        var data = new TheoryData<Cell, string>();
        foreach (var cell in Cells.Where(c => c.Changes))
        {
            data.Add(cell, "live");
            data.Add(cell, "clixml");
        }
        return data;
    }

    private static string WithSystem(string source) => source.Contains("-SystemPath", StringComparison.Ordinal) ? source : source + " -SystemPath $sys";

    private static string Pipeline(Cell cell, string form, string verbSuffix = "") => form switch
    {
        "live" => $"$src | {cell.Verb}{verbSuffix}",
        "clixml" => $"$src | RoundTrip | {cell.Verb}{verbSuffix}",
        _ => $"{cell.Verb}{verbSuffix} {cell.Param} $src -SystemPath $sys",
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Pipe_EveryGetOutputIntoEveryVerb_ActsOnWhatItNames(Cell cell, string form)
    {
        var sys = ps.NewTempSystemPath();
        var r = ps.Run($"$sys = '{sys}'\n" + Setup + $$"""
            $src = @({{WithSystem(cell.Source)}})
            if ($src.Count -ne 1) { throw "the source listed $($src.Count) objects" }
            $src = $src[0]
            @({{Pipeline(cell, form)}} | ForEach-Object { $_.{{cell.Show}} }) -join ','
            """);
        Assert.Equal("", string.Join("\n", r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        Assert.Equal(cell.Expected, r.Output.Last().ToString());
    }

    [Theory]
    [MemberData(nameof(Changing))]
    public void Pipe_WithWhatIf_LeavesDatabaseByteForByte(Cell cell, string form)
    {
        var sys = ps.NewTempSystemPath();
        var r = ps.Run($"$sys = '{sys}'\n" + Setup + $$"""
            function State { $files = [IO.Directory]::GetFiles($sys, '*', 'AllDirectories'); [Array]::Sort($files); ($files | ForEach-Object { "${_}:$([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($_))))" }) -join "`n" }
            $src = @({{WithSystem(cell.Source)}})[0]
            $before = State
            {{Pipeline(cell, form, " -WhatIf")}}
            (State) -eq $before
            """);
        Assert.Equal("", string.Join("\n", r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        Assert.Equal("True", r.Output.Last().ToString());
    }
}
