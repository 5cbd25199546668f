using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes an empty media repository (VIOS rmrep); its folder is left on disk.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiMediaRepository", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiMediaRepositoryCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (ShouldProcess(Partition, "Remove the media repository")) Use(s => s.RemoveMediaRepository(Partition));
    }
}
