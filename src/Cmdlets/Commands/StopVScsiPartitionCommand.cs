using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
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
        if (partition.Type != PartitionType.AixLinux && ModuleRuntime.Registry.Find(ResolvedSystemPath, partition.Id) is null && StopNotServedHere(partition)) return;
        ModuleRuntime.Registry.StopAsync(ResolvedSystemPath, partition.Id).GetAwaiter().GetResult(); // closes its clients' sessions, flushes
        var stopped = Use(s => s.Deactivate(Name));
        if (stopped is not null && PassThru) WriteObject(new VScsiPartition(stopped, ResolvedSystemPath));
    }

    /// <summary>
    /// A server partition this process does not serve: refused while another process holds its serving
    /// lock (that process must stop it, or its disks would stay served behind a "stopped" record); a
    /// Running state that no live process holds is stale and is cleared with a warning. True when done here.
    /// </summary>
    private bool StopNotServedHere(Partition partition)
    {
        if (ServingLock.IsHeld(ResolvedSystemPath, partition.Id))
        {
            WriteError(new ErrorRecord(new InvalidOperationException(
                $"Partition '{partition.Name}' is served by another process (it holds {ServingLock.PathOf(ResolvedSystemPath, partition.Id)}). Stop it there: Ctrl+C or SIGTERM for Start-VScsiPartition -Wait, systemctl stop for a service."),
                "PartitionServedElsewhere", ErrorCategory.ResourceBusy, partition.Name));
            return true;
        }
        if (partition.State != PartitionState.Running) return false;   // PartitionNotRunning from Deactivate
        using var claim = Serve(() => ServingClaim.Take(ResolvedSystemPath, partition.Name, WriteWarning), partition.Name);
        if (claim is not null && PassThru) WriteObject(new VScsiPartition(claim.Partition, ResolvedSystemPath));
        return true;
    }
}
