using System.Management.Automation;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Carves a backing device (a new image) from a storage pool (VIOS mkbdsp).</summary>
[Cmdlet(VerbsCommon.New, "VScsiBackingDevice", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class NewVScsiBackingDeviceCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiStoragePool", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
    public string Pool { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2)]
    public long Size { get; set; }

    [Parameter]
    [ValidateSet("512", "4096")]
    public int BlockSize { get; set; } = 512;

    [Parameter]
    public SwitchParameter Fixed { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"{Pool}/{Name}", $"Create {(Fixed ? "fixed" : "sparse")} {Size}-byte backing device")) return;
        var disk = Use(s => s.CreateBackingDevice(Pool, Name, Size, BlockSize, Fixed));
        if (disk is not null) WriteObject(new VScsiVirtualDisk(disk, ResolvedSystemPath));
    }
}
