using System.Management.Automation;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Grows a backing device within its pool's size (VIOS chbdsp -size); live when served.</summary>
[Cmdlet(VerbsCommon.Resize, "VScsiBackingDevice", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class ResizeVScsiBackingDeviceCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiVirtualDisk", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    public long Size { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!CheckBackingDevice(Name) || !ShouldProcess(Name, $"Grow to {Size} bytes")) return;
        var folder = ResolvedSystemPath;
        var disk = Use(s => s.GrowVirtualDisk(Name, Size, (d, blocks) => ModuleRuntime.Registry.TryGrow(folder, d, blocks)));
        if (disk is not null && PassThru) WriteObject(new VScsiVirtualDisk(disk, folder));
    }
}
