using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes an empty storage pool; its folder is left on disk.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiStoragePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiStoragePoolCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiStoragePool", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
    public string Name { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (ShouldProcess(Name, "Remove storage pool")) Use(s => s.RemoveStoragePool(Name));
    }
}
