using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Deletes a backing device and its image (VIOS rmbdsp); refused while a target device maps it.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiBackingDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiBackingDeviceCommand : VScsiCmdlet
{

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiVirtualDisk", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string Name { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!CheckBackingDevice(Name) || !ShouldProcess(Name, "Delete backing device and its image file")) return;
        Use(s => s.RemoveVirtualDisk(Name, deleteFile: true));
    }
}
