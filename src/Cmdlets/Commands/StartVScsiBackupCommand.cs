using System.Management.Automation;
using VScsi.Engine.Backup;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Backs up everything a server partition serves (every client's disks) and its configuration, online and consistent.</summary>
[Cmdlet(VerbsLifecycle.Start, "VScsiBackup", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiBackup))]
public sealed class StartVScsiBackupCommand : BackupCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    /// <summary>A folder, created when missing; the archive in it is named after the partition, time and type.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    [Parameter]
    public BackupType Type { get; set; } = BackupType.Full;

    [Parameter]
    public SwitchParameter Compress { get; set; }

    [Parameter]
    public SwitchParameter IncludeMedia { get; set; }

    [Parameter]
    public SwitchParameter IncludeTape { get; set; }

    /// <summary>Also write the archive to this client tape drive (a device this process reaches as a client).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClientDeviceNameCompleter))]
    public object? TapeDevice { get; set; }

    protected override void ProcessRecord()
    {
        var destination = GetUnresolvedProviderPathFromPSPath(Destination);
        if (!IsFolderDestination(destination)) return;
        if (!ShouldProcess(Partition, $"{Type} backup to '{destination}'{(TapeDevice is null ? "" : $" and tape {TapeDevice}")}")) return;
        if (!CreateDestination(destination)) return;
        VScsiClientDevice? tape = null;
        if (TapeDevice is not null && (tape = TapeDrive.Resolve(this, TapeDevice)) is null) return;
        var folder = ResolvedSystemPath;
        var request = new PartitionBackupRequest(Partition, destination, Type, Compress, IncludeMedia, IncludeTape);
        var done = RunWithProgress($"Backing up {Partition}", Partition, async (progress, ct) =>
        {
            var record = await PartitionBackups.BackupAsync(ModuleRuntime.Registry, folder, request, progress, ct, Warn).ConfigureAwait(false);
            if (tape is not null)
            {
                await using var archive = File.OpenRead(record.Path);
                await new TapeClient(tape.ClientSession.Session, tape.Lun).WriteFileAsync(archive, TapeDrive.RecordSize, null, ct).ConfigureAwait(false);
            }
            return record;
        });
        if (done is not null) WriteObject(new VScsiBackup(done, folder));
    }

    /// <summary>-Destination is always a folder: an existing file, or a missing path named like an archive, is refused.</summary>
    private bool IsFolderDestination(string destination)
    {
        var isFile = File.Exists(destination);
        if (!isFile && (Directory.Exists(destination)
            || !(destination.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) || destination.EndsWith(".tar.zst", StringComparison.OrdinalIgnoreCase)))) return true;
        ReportError(ErrorIds.BackupDestinationNotAFolder, isFile ? ErrorCategory.InvalidType : ErrorCategory.InvalidArgument,
            $"-Destination '{destination}' {(isFile ? "is a file" : "names an archive")}; it is always a folder, and the archive in it is named <partition>-<time>-<type>-<id>.tar[.zst].", destination);
        return false;
    }

    /// <summary>Creates a missing -Destination folder (called after ShouldProcess, so -WhatIf creates nothing).</summary>
    private bool CreateDestination(string destination)
    {
        try
        {
            Directory.CreateDirectory(destination);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            ReportError(ErrorIds.BackupDestinationNotCreated, ErrorCategory.WriteError, $"Cannot create the -Destination folder '{destination}': {e.Message}", destination);
            return false;
        }
    }
}

/// <summary>Resolving a -TapeDevice: a Get-VScsiClientDevice object or a device name among this process's sessions.</summary>
internal static class TapeDrive
{
    /// <summary>Archives go to tape in 256 KiB records.</summary>
    public const int RecordSize = 256 << 10;

    public static VScsiClientDevice? Resolve(VScsiCmdlet cmdlet, object device)
    {
        var value = device is PSObject pso ? pso.BaseObject : device;
        var found = value as VScsiClientDevice ?? ModuleRuntime.LiveSessions
            .SelectMany(s => ClientDevices.DiscoverAsync(s.Session).GetAwaiter().GetResult().Select(d => new VScsiClientDevice(d, s)))
            .FirstOrDefault(d => string.Equals(d.Name, value.ToString(), StringComparison.OrdinalIgnoreCase));
        if (found is { Type: "Tape" }) return found;
        cmdlet.WriteError(new ErrorRecord(new ItemNotFoundException($"'{value}' is not a tape drive this process sees as a client. Connect-VScsiClient to the partition serving it first."),
            "NotATapeDevice", ErrorCategory.ObjectNotFound, value));
        return null;
    }
}
