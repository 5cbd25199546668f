using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes a partition profile; the default profile cannot be removed.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiPartitionProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiPartitionProfileCommand : ProfileCommandBase
{
    protected override void ProcessRecord()
    {
        if (ShouldProcess($"{Partition}/{Name}", "Remove partition profile"))
            Use(s => s.RemoveProfile(Partition, Name));
    }
}
