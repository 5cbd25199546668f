using System.Management.Automation;
using System.Text.RegularExpressions;

namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Every default view, rendered at 80 and at 200 columns from a system with long, realistic names
/// and paths in which every kind of output object exists (served partitions, an iSCSI session, a
/// backup onto tape and its restore), and the figures those views show.
/// </summary>
[Collection("PowerShell")]
public sealed class ViewTests(PowerShellFixture ps)
{
    private static Scenario? _scenario;
    private static string? _failure;
    private static readonly object Gate = new();

    /// <summary>What one view looks like: the type of the listed objects, their text at 80 and 200 columns, and the values they should show.</summary>
    private sealed record Rendered(string View, string TypeName, bool HasFormat, string At80, string At200, string[] Values);

    private sealed record Scenario(IReadOnlyList<Rendered> Views, IReadOnlyDictionary<string, string> Figures);

    private const string Script = """
        $ErrorActionPreference = 'Stop'
        $PSDefaultParameterValues['*-VScsi*:SystemPath'] = $sys
        $null = New-VScsiPartition -Name vios-prod-east1 -Type Vios
        $null = New-VScsiPartition -Name vios-tape-east2 -Type Vios
        $null = New-VScsiPartition -Name lpar-findb-east3 -Type AixLinux
        $null = New-VScsiServerAdapter -Partition vios-prod-east1 -Slot 11 -RemotePartition lpar-findb-east3 -RemoteSlot 3
        $null = New-VScsiClientAdapter -Partition lpar-findb-east3 -Slot 3 -RemotePartition vios-prod-east1 -RemoteSlot 11 -Required
        $null = New-VScsiClientAdapter -Partition lpar-findb-east3 -Slot 4 -RemotePartition vios-prod-east1 -RemoteSlot 12
        $null = New-VScsiServerAdapter -Partition vios-tape-east2 -Slot 21 -RemotePartition vios-prod-east1 -RemoteSlot 5
        $null = New-VScsiClientAdapter -Partition vios-prod-east1 -Slot 5 -RemotePartition vios-tape-east2 -RemoteSlot 21
        $null = New-VScsiStoragePool -Partition vios-prod-east1 -Name clients-east -Path (Join-Path $sys 'storage-pools/clients-east') -Size 1GB
        $null = New-VScsiBackingDevice -Pool clients-east -Name lpar-findb-east3_rootvg -Size 64MB
        $null = Add-VScsiTargetDevice -Partition vios-prod-east1 -ServerAdapter vhost0 -BackingDevice lpar-findb-east3_rootvg
        $null = New-VScsiMediaRepository -Partition vios-tape-east2 -Path (Join-Path $sys 'media-library/vios-tape-east2')
        $null = New-VScsiTapeCartridge -Partition vios-tape-east2 -Name weekly-full-0001 -Capacity 256MB
        $null = Add-VScsiTargetDevice -Partition vios-tape-east2 -ServerAdapter vhost0 -Tape
        Mount-VScsiMedia -Partition vios-tape-east2 -Device vttape0 -Media weekly-full-0001
        Start-VScsiPartition vios-prod-east1 -IscsiPortal 127.0.0.1:0
        'vios-tape-east2', 'lpar-findb-east3' | Start-VScsiPartition

        $session = Connect-VScsiClient -Partition lpar-findb-east3 -Slot 3
        $disk = $session | Get-VScsiClientDevice
        $block = [byte[]]::new(4096)
        [Text.Encoding]::ASCII.GetBytes('written by lpar-findb-east3').CopyTo($block, 0)
        Write-VScsiBlock -Device $disk -Lba 0 -Data $block -Confirm:$false
        $command = Invoke-VScsiCommand -Device $disk -Cdb 0x00, 0, 0, 0, 0, 0
        $portal = (Get-VScsiPartition vios-prod-east1).IscsiPortal
        $target = (Get-VScsiServerAdapter vios-prod-east1 -Name vhost0).IscsiName
        $initiator = (Get-VScsiClientAdapter lpar-findb-east3 -Slot 3).InitiatorName
        $remote = Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName $initiator
        $remoteDisk = $remote | Get-VScsiClientDevice
        $null = Read-VScsiBlock -Device $remoteDisk -Lba 0 -Count 3
        $iscsi = @(Get-VScsiIscsiSession -Partition vios-prod-east1)
        $tapeSession = Connect-VScsiClient -Partition vios-prod-east1 -Slot 5
        $tape = $tapeSession | Get-VScsiClientDevice
        $backups = New-Item -ItemType Directory -Path (Join-Path $sys 'backups/vios-prod-east1')
        $backup = Start-VScsiBackup -Partition vios-prod-east1 -Destination $backups.FullName -TapeDevice $tape -Compress
        $verified = Test-VScsiBackup $backup
        $position = Set-VScsiTapePosition -Device $tape -Rewind -PassThru -Confirm:$false
        $export = Export-VScsiConfiguration -Path (Join-Path $sys 'vios-prod-east1-configuration.json')
        $imported = @(Import-VScsiConfiguration -Path $export.FullName -Validate)
        $views = [ordered]@{
            System = Get-VScsiSystem
            Partition = Get-VScsiPartition
            Profile = Get-VScsiPartitionProfile
            ServerAdapter = Get-VScsiServerAdapter
            ClientAdapter = Get-VScsiClientAdapter
            Finding = @(Test-VScsiConfiguration)
            BackingDevice = Get-VScsiBackingDevice
            Mapping = Get-VScsiMapping
            StoragePool = Get-VScsiStoragePool
            Cartridge = Get-VScsiTapeCartridge
            Repository = Get-VScsiMediaRepository
            ClientSession = $session, $tapeSession
            ClientDevice = $disk, $tape
            CommandResult = $command
            IscsiSession = $iscsi
            Backup = Get-VScsiBackup
            BackupTest = $verified
            TapePosition = $position
            ImportFinding = $imported
        }
        $remote, $tapeSession | Disconnect-VScsiClient -Confirm:$false
        $views['Restored'] = @(Restore-VScsiBackup $backup -Destination (Join-Path $sys 'restored-images/vios-prod-east1') -Confirm:$false)
        $session | Disconnect-VScsiClient -Confirm:$false
        'lpar-findb-east3', 'vios-prod-east1', 'vios-tape-east2' | Stop-VScsiPartition -Confirm:$false
        $figures = [ordered]@{
            BackupThroughput = $backup.ThroughputMiBps
            BackupLogicalPerSecond = [math]::Round($backup.LogicalBytes / $backup.Duration.TotalSeconds / 1MB, 1)
            BackupStored = $backup.StoredBytes
            CartridgeSize = (Get-VScsiTapeCartridge -Name weekly-full-0001).SizeBytes
            IscsiRead = $iscsi[0].BytesRead
        }
        foreach ($k in $views.Keys) {
            $items = @($views[$k])
            $type = $items[0].GetType().FullName
            $values = foreach ($i in $items) {
                foreach ($p in @('Name', 'Partition', 'Path', 'BackingPath', 'DatabasePath', 'PairedWith', 'Device', 'Item') + @(if ($type -like '*IscsiSession') { 'InitiatorName' })) {
                    $v = $i.PSObject.Properties[$p]
                    if ($v -and $v.Value -is [string] -and $v.Value.Length -gt 0) { $v.Value }
                }
            }
            [pscustomobject]@{
                View = $k; TypeName = $type; HasFormat = [bool](Get-FormatData -TypeName $type)
                At80 = $items | Out-String -Width 80; At200 = $items | Out-String -Width 200; Values = [string[]]@($values)
            }
        }
        [pscustomobject]$figures
        """;

    private Scenario Run()
    {
        lock (Gate)
        {
            if (_scenario is not null) return _scenario;
            Assert.Null(_failure);
            var sys = ps.NewTempSystemPath();
            var r = ps.Run($"$sys = '{sys}'\n{Script}");
            if (r.Errors.Count > 0) _failure = string.Join("\n", r.Errors.Select(e => $"{e.InvocationInfo?.MyCommand}: {e}"));
            Assert.Null(_failure);
            var views = r.Output.Take(r.Output.Count - 1).Select(o => new Rendered(Str(o, "View"), Str(o, "TypeName"), Str(o, "HasFormat") == "True",
                Str(o, "At80"), Str(o, "At200"), Base(o, "Values") is object[] values ? values.Select(v => v.ToString()!).ToArray() : [])).ToList();
            var figures = r.Output[^1].Properties.ToDictionary(p => p.Name, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            return _scenario = new Scenario(views, figures);
        }
    }

    private static object? Base(PSObject o, string name) => o.Properties[name].Value is PSObject p ? p.BaseObject : o.Properties[name].Value;

    private static string Str(PSObject o, string name) => Base(o, name)?.ToString() ?? "";

    public static TheoryData<string> ViewNames => new(["System", "Partition", "Profile", "ServerAdapter", "ClientAdapter", "Finding", "BackingDevice",
        "Mapping", "StoragePool", "Cartridge", "Repository", "ClientSession", "ClientDevice", "CommandResult", "IscsiSession", "Backup", "BackupTest",
        "TapePosition", "ImportFinding", "Restored"]);

    /// <summary>Views of objects that come one at a time with long values: lists, which wrap instead of cutting.</summary>
    private static readonly HashSet<string> ListViews = ["BackupTest"];

    private Rendered View(string name) => Run().Views.Single(v => v.View == name);

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Each table in the text: its header lines (those above the dashes, up to a blank line) and its dashes line.</summary>
    private static IEnumerable<(string[] Header, string Dashes)> Tables(string text)
    {
        var lines = Lines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!Regex.IsMatch(lines[i], @"^\s*-+( +-+)*\s*$")) continue;
            var start = i;
            while (start > 0 && lines[start - 1].Trim().Length > 0) start--;
            yield return (lines[start..i], lines[i]);
        }
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void DefaultView_IsAModuleTypeWithAView(string view)
    {
        var v = View(view);
        Assert.StartsWith("VScsi.PowerShell.Output.", v.TypeName);
        Assert.True(v.HasFormat, $"{v.TypeName} has a view in VScsi.format.ps1xml");
    }

    [Fact]
    public void EveryCmdletOutputType_IsAModuleTypeWithAViewOrADotNetType()
    {
        var r = ps.Run("""
            Get-Command -Module VScsi | ForEach-Object { foreach ($t in $_.OutputType) { "$($_.Name) $($t.Name) $([bool](Get-FormatData -TypeName ([WildcardPattern]::Escape($t.Name))))" } }
            """);
        Assert.Empty(r.Errors);
        var declared = r.Output.Select(o => o.ToString().Split(' ')).ToList();
        Assert.True(declared.Count > 40, "the cmdlets declare their output types");
        Assert.All(declared, d => Assert.True(d[1].StartsWith("VScsi.PowerShell.Output.", StringComparison.Ordinal) ? d[2] == "True" : d[1].StartsWith("System.", StringComparison.Ordinal),
            $"{d[0]} writes {d[1]}, which is neither a VScsi output type with a view nor a .NET type"));
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void DefaultView_At80Columns_FitsWithWholeHeadersAndNoOneLetterColumns(string view)
    {
        var v = View(view);
        Assert.All(Lines(v.At80), l => Assert.True(l.Length <= 80, $"{view}: a line of {l.Length} columns: '{l}'"));
        var tables = Tables(v.At80).ToList();
        if (ListViews.Contains(view)) Assert.Empty(tables);
        else Assert.NotEmpty(tables);
        foreach (var (header, dashes) in tables)
        {
            Assert.True(header.Length == 1, $"{view}: the header takes {header.Length} lines:\n{string.Join('\n', header)}");
            var runs = Regex.Matches(dashes, "-+").Select(m => (m.Index, m.Length)).ToList();
            Assert.All(runs, r => Assert.True(r.Length > 1, $"{view}: a column one letter wide:\n{header[0]}\n{dashes}"));
            foreach (var (index, length) in runs)
            {
                var label = header[0].Length > index ? header[0].Substring(index, Math.Min(length, header[0].Length - index)).Trim() : "";
                Assert.True(label.Length > 0 && Regex.IsMatch(label, @"^\S+$") && length >= label.Length,
                    $"{view}: header '{label}' is not one whole word over its column:\n{header[0]}\n{dashes}");
                Assert.True(index + length >= header[0].Length || header[0][index + length] == ' ', $"{view}: a header runs past its column:\n{header[0]}\n{dashes}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void DefaultView_At200Columns_ShowsTheFullValues(string view)
    {
        var v = View(view);
        Assert.DoesNotContain("…", v.At200);
        foreach (var value in v.Values) Assert.Contains(value, v.At200);
    }

    [Fact]
    public void DefaultViews_At80Columns_EndLongPathsInAnEllipsis()
    {
        foreach (var view in new[] { "BackingDevice", "StoragePool", "Cartridge", "Repository", "Mapping" })
            Assert.Matches(@"/tmp/\S*…|/\S*…", View(view).At80);
    }

    [Fact]
    public void DefaultViews_At80Columns_KeepPartitionNamesWhole()
    {
        foreach (var view in new[] { "Partition", "ServerAdapter", "ClientAdapter", "BackingDevice", "StoragePool" })
            Assert.Contains("vios-prod-east1", View(view).At80);
        Assert.Contains("lpar-findb-east3", View("ClientAdapter").At80);
    }

    [Fact]
    public void BackupThroughput_IsLogicalBytesReadPerSecond()
    {
        var f = Run().Figures;
        Assert.True(long.Parse(f["BackupStored"]) < 1 << 20, "the disks are sparse: little is stored");
        Assert.NotEqual("0", f["BackupThroughput"]);
        Assert.Equal(f["BackupLogicalPerSecond"], f["BackupThroughput"]);
    }

    [Fact]
    public void BackupView_ShowsTheStoredDataAndThroughputAsNonZeroFigures()
    {
        var row = Lines(View("Backup").At80).Single(l => l.Contains("vios-prod-east1"));
        Assert.DoesNotMatch(@"\s0(\.0)?\s", row);
        Assert.Matches(@"\d+(\.\d)? KiB", row);
    }

    [Fact]
    public void CartridgeView_ShowsWhatTheBackupWroteOnIt()
    {
        var size = long.Parse(Run().Figures["CartridgeSize"]);
        Assert.InRange(size, 1, 1 << 20);
        var row = Lines(View("Cartridge").At80).Single(l => l.StartsWith("weekly-full-0001", StringComparison.Ordinal));
        Assert.Matches(@"\d+(\.\d)? KiB", row);
    }

    [Fact]
    public void IscsiSessionView_ShowsBytesReadUnrounded()
    {
        var read = long.Parse(Run().Figures["IscsiRead"]);
        Assert.InRange(read, 3 * 512, 1 << 20);                               // three blocks and the discovery commands: far below a MiB
        Assert.Contains((read / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " KiB", View("IscsiSession").At200);
    }
}
