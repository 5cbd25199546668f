using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes a partition profile; the default profile cannot be removed.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiPartitionProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiPartitionProfileCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (ShouldProcess($"{Partition}/{Name}", "Remove partition profile"))
            Use(s => s.RemoveProfile(Partition, Name));
    }
}
