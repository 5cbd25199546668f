using System.Management.Automation;
using VScsi.Engine.Backup;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Restores a partition's devices from a backup and the chain it builds on: all of them, the named
/// ones, or those of one client partition; to their original files (only while nobody serves the
/// partition) or into a folder. Each device is written to a temporary file and swapped in when complete.
/// </summary>
[Cmdlet(VerbsData.Restore, "VScsiBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Catalog")]
[OutputType(typeof(VScsiRestoredDevice))]
public sealed class RestoreVScsiBackupCommand : BackupCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Catalog")]
    [ObjectNameTransformation("VScsiBackup", "Id")]                     // live or deserialized: the id finds it again
    [ArgumentCompleter(typeof(BackupIdCompleter))]
    public object Id { get; set; } = null!;

    /// <summary>Read the archive from this client tape drive, at its current position (written there by Start-VScsiBackup -TapeDevice).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Tape")]
    [ArgumentCompleter(typeof(ClientDeviceNameCompleter))]
    public object TapeDevice { get; set; } = null!;

    [Parameter]
    [ArgumentCompleter(typeof(BackupDeviceNameCompleter))]
    public string[]? Device { get; set; }

    /// <summary>Restore only the disks mapped to server adapters that serve this client partition.</summary>
    [Parameter]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string? ClientPartition { get; set; }

    /// <summary>A folder for the restored images (named after the devices) instead of their original files.</summary>
    [Parameter]
    public string? Destination { get; set; }

    protected override void ProcessRecord()
    {
        var folder = ResolvedSystemPath;
        string? fromTape = null;
        try
        {
            var chain = ParameterSetName == "Tape" ? ReadFromTape(out fromTape) : ChainFromCatalog();
            if (chain is null) return;
            var header = BackupChain.ReadHeadersAsync(chain, CancellationToken.None).GetAwaiter().GetResult()[^1].Header;
            var names = Selected(header);
            if (names is null) return;
            var target = Destination is null ? null : GetUnresolvedProviderPathFromPSPath(Destination);
            if (target is null && IsServed(folder, header.Partition)) return;
            var targets = names.Select(n => new RestoreTarget(n, target is null ? null : Path.Combine(target, n + ".img"))).ToList();
            if (!ShouldProcess($"{header.Partition}: {string.Join(", ", names)}", target is null ? "Overwrite the original images" : $"Restore into '{target}'")) return;
            if (target is not null) Directory.CreateDirectory(target);
            var restored = RunWithProgress($"Restoring {header.Partition}", header.BackupId, (progress, ct) => BackupRestorer.RestoreAsync(chain, targets, progress, ct));
            foreach (var d in restored ?? []) WriteObject(new VScsiRestoredDevice(d, header.Partition, header.BackupId));
        }
        finally
        {
            if (fromTape is not null) File.Delete(fromTape);
        }
    }

    private IReadOnlyList<string>? ChainFromCatalog()
    {
        var catalog = Catalog(null);
        if (catalog is null || Find(catalog, Id) is not { } backup) return null;
        return Serve(() => PartitionBackups.ChainOf(catalog, backup).Select(b => b.Path).ToList(), backup.Id);
    }

    private IReadOnlyList<string>? ReadFromTape(out string? temporary)
    {
        temporary = null;
        if (TapeDrive.Resolve(this, TapeDevice) is not { } tape) return null;
        temporary = Path.Combine(Path.GetTempPath(), $"vscsi-restore-{Guid.NewGuid():N}.tar");   // plain or zstd: the reader knows by the frame magic
        var path = temporary;
        var read = RunWithProgress("Reading the archive from tape", tape.Name, async (_, ct) =>
        {
            await using var file = File.Create(path);
            return (object)await new TapeClient(tape.ClientSession.Session, tape.Lun).ReadFileAsync(file, TapeDrive.RecordSize, null, ct).ConfigureAwait(false);
        });
        if (read is null) return null;
        return [temporary];
    }

    /// <summary>The device names to restore: -Device, the disks serving -ClientPartition, or every device in the backup.</summary>
    private List<string>? Selected(BackupHeader header)
    {
        var all = header.Devices.Select(d => d.Name).ToList();
        var names = Device?.ToList() ?? all;
        if (ClientPartition is not null)
        {
            var disks = Use(s => s.GetMappings(header.Partition).Where(m => m.ClientPartitionId == s.GetPartition(ClientPartition).Id)
                .SelectMany(m => m.Devices).Where(d => d.Kind == TargetDeviceKind.Disk).Select(d => d.BackingDevice).ToHashSet(StringComparer.OrdinalIgnoreCase));
            if (disks is null) return null;
            names = names.Where(disks.Contains).ToList();
        }
        foreach (var missing in names.Where(n => !all.Contains(n, StringComparer.Ordinal)))
        {
            ReportError("BackupDeviceNotFound", ErrorCategory.ObjectNotFound, $"The backup holds no device '{missing}'; it holds {string.Join(", ", all)}.", missing);
            return null;
        }
        if (names.Count > 0) return names;
        ReportError("BackupDeviceNotFound", ErrorCategory.ObjectNotFound, "No device of the backup matches the selection.", ClientPartition);
        return null;
    }

    /// <summary>Refuses to overwrite the images of a partition this or another process serves.</summary>
    private bool IsServed(string folder, string partition)
    {
        var p = Use(s => s.GetPartition(partition));
        if (p is null) return true;
        if (ModuleRuntime.Registry.Find(folder, p.Id) is null && !PartitionBackups.IsServedElsewhere(folder, p.Id)) return false;
        ReportError("DeviceInUse", ErrorCategory.ResourceBusy, $"Partition '{partition}' is served: its images are in use. Stop-VScsiPartition first, or restore with -Destination.", partition);
        return true;
    }
}
