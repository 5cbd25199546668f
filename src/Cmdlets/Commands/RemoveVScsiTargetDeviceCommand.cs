using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes a virtual target device (VIOS rmvdev); -RemoveBacking also removes the virtual disk and its file. High confirm impact: a client loses a disk.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiTargetDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiTargetDeviceCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Device")]
    [ObjectNameTransformation("VScsiMapping", "Device")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TargetDeviceNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter RemoveBacking { get; set; }

    protected override void ProcessRecord()
    {
        var action = RemoveBacking ? "Remove virtual target device, its virtual disk and the disk's image file" : "Remove virtual target device";
        if (!ShouldProcess($"{Partition}/{Name}", action)) return;
        Use(s =>
        {
            var removed = s.RemoveTargetDevice(Partition, Name);
            ModuleRuntime.Registry.DeviceRemoved(ResolvedSystemPath, removed); // live, when served here
            if (RemoveBacking) s.RemoveVirtualDisk(removed.BackingDevice, deleteFile: true);
        });
    }
}
