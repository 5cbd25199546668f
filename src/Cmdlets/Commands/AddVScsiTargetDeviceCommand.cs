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
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string ServerAdapter { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2, ParameterSetName = "Disk")]
    [ValidateNotNullOrEmpty]
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
        var kind = ParameterSetName switch { "Optical" => TargetDeviceKind.Optical, "Tape" => TargetDeviceKind.Tape, _ => TargetDeviceKind.Disk };
        var what = kind == TargetDeviceKind.Disk ? $"Map '{BackingDevice}' as a virtual target device" : $"Add an empty {kind.ToString().ToLowerInvariant()} drive";
        if (!ShouldProcess($"{Partition}/{ServerAdapter}", what)) return;
        var mapping = Use(s =>
        {
            var device = kind == TargetDeviceKind.Disk ? s.AddTargetDevice(Partition, ServerAdapter, BackingDevice, Name) : s.AddDrive(Partition, ServerAdapter, kind, Name);
            ModuleRuntime.Registry.DeviceAdded(ResolvedSystemPath, device, s.GetVirtualDisks()); // live, when served here
            var adapter = s.GetMappings(Partition, device.ServerAdapter).Single();
            return new VScsiMapping(adapter, device, ResolvedSystemPath);
        });
        if (mapping is not null) WriteObject(mapping);
    }
}
