using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Removes a partition with its profiles. Refused while other partitions' adapters point at it,
/// unless -Force, which removes those dangling adapter definitions too.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VScsiPartition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiPartitionCommand : PartitionCommandBase
{
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var action = Force ? "Remove partition and every adapter elsewhere that points at it" : "Remove partition";
        if (!ShouldProcess(Name, action)) return;
        var dangling = Use(s => s.RemovePartition(Name, Force));
        foreach (var d in dangling ?? [])
            WriteWarning($"Removed dangling adapter {d}.");
    }
}
