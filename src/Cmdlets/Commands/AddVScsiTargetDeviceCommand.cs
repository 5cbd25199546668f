using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Maps a virtual disk to a server adapter as a virtual target device, or adds an empty optical or tape drive (VIOS mkvdev).</summary>
[Cmdlet(VerbsCommon.Add, "VScsiTargetDevice", SupportsShouldProcess = true, DefaultParameterSetName = "Disk")]
[OutputType(typeof(VScsiMapping))]
public sealed class AddVScsiTargetDeviceCommand : VScsiCmdlet
{
    /// <summary>The server partition; optional when -ServerAdapter is an adapter object or a qualified name (vios1/vhost0).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }

    /// <summary>The server adapter: a name, a qualified name (vios1/vhost0), or an adapter or mapping object (piped too).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AdapterNameTransformation]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string ServerAdapter { get; set; } = "";

    /// <summary>The virtual disk or backing device to map: a name or the disk object (piped too).</summary>
    [Parameter(Mandatory = true, Position = 2, ParameterSetName = "Disk", ValueFromPipeline = true)]
    [ObjectNameTransformation("VScsiVirtualDisk", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string BackingDevice { get; set; } = "";

    /// <summary>An empty CD/DVD drive (vtoptN); load media with Mount-VScsiMedia.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Optical")]
    public SwitchParameter Optical { get; set; }

    /// <summary>An empty tape drive (vttapeN); load a cartridge with Mount-VScsiMedia.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Tape")]
    public SwitchParameter Tape { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        string? partition = Partition;
        if (partition is null && !ServerAdapter.Contains('/') && ParameterSetName == "Disk")
            partition = Use(s => s.GetVirtualDisks().FirstOrDefault(d => string.Equals(d.Name, BackingDevice, StringComparison.OrdinalIgnoreCase))?.PartitionName);
        if (!AdapterNameTransformationAttribute.Split(ServerAdapter, ref partition, out var serverAdapter) || partition is null)
        {
            if (partition is null)
                ReportError("PartitionRequired", ErrorCategory.InvalidArgument, $"Say which partition '{ServerAdapter}' is on: add -Partition, or pass the adapter object or vios1/{ServerAdapter}.", ServerAdapter);
            else
                ReportError("ServerAdapterPartitionMismatch", ErrorCategory.InvalidArgument, $"Server adapter '{ServerAdapter}' is not on partition '{Partition}'.", ServerAdapter);
            return;
        }
        var kind = ParameterSetName switch { "Optical" => TargetDeviceKind.Optical, "Tape" => TargetDeviceKind.Tape, _ => TargetDeviceKind.Disk };
        var what = kind == TargetDeviceKind.Disk ? $"Map '{BackingDevice}' as a virtual target device" : $"Add an empty {kind.ToString().ToLowerInvariant()} drive";
        if (!ShouldProcess($"{partition}/{serverAdapter}", what)) return;
        var mapping = Use(s =>
        {
            var device = kind == TargetDeviceKind.Disk ? s.AddTargetDevice(partition, serverAdapter, BackingDevice, Name) : s.AddDrive(partition, serverAdapter, kind, Name);
            ModuleRuntime.Registry.DeviceAdded(ResolvedSystemPath, device, s.GetVirtualDisks()); // live, when served here
            var adapter = s.GetMappings(partition, device.ServerAdapter).Single();
            return new VScsiMapping(adapter, device, ResolvedSystemPath);
        });
        if (mapping is not null) WriteObject(mapping);
    }
}
