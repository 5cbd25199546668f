using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Maps a virtual disk to a server adapter as a virtual target device (VIOS mkvdev).</summary>
[Cmdlet(VerbsCommon.Add, "VScsiTargetDevice", SupportsShouldProcess = true)]
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

    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string BackingDevice { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"{Partition}/{ServerAdapter}", $"Map '{BackingDevice}' as a virtual target device")) return;
        var mapping = Use(s =>
        {
            var device = s.AddTargetDevice(Partition, ServerAdapter, BackingDevice, Name);
            ModuleRuntime.Registry.DeviceAdded(ResolvedSystemPath, device, s.GetVirtualDisks().Single(d => d.Name == device.BackingDevice)); // live, when served here
            var adapter = s.GetMappings(Partition, device.ServerAdapter).Single();
            return new VScsiMapping(adapter, device, ResolvedSystemPath);
        });
        if (mapping is not null) WriteObject(mapping);
    }
}
