using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Shuts a partition down; its running configuration (including dynamic changes not saved to the profile) is discarded.</summary>
[Cmdlet(VerbsLifecycle.Stop, "VScsiPartition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VScsiPartition))]
public sealed class StopVScsiPartitionCommand : PartitionCommandBase
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, "Shut down")) return;
        var partition = Use(s => s.GetPartition(Name));
        if (partition is null) return;
        ModuleRuntime.Registry.StopAsync(ResolvedSystemPath, partition.Id).GetAwaiter().GetResult(); // closes its clients' sessions, flushes
        var stopped = Use(s => s.Deactivate(Name));
        if (stopped is not null && PassThru) WriteObject(new VScsiPartition(stopped, ResolvedSystemPath));
    }
}
