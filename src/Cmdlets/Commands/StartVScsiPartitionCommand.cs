using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Activates a partition with a profile (the default unless -Profile): every required adapter
/// must be able to pair, then the profile becomes the running configuration. A Vios or IbmI
/// partition is then served by this process: its mapped disks come up behind its server adapters.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VScsiPartition", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiPartition))]
public sealed class StartVScsiPartitionCommand : PartitionCommandBase
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, Profile is null ? "Activate with the default profile" : $"Activate with profile '{Profile}'")) return;
        var started = Use(s => s.Activate(Name, Profile));
        if (started is null) return;
        if (started.Type != PartitionType.AixLinux && Serve(() => ModuleRuntime.Registry.Serve(ResolvedSystemPath, started.Name), started.Name) is null)
        {
            Use(s => s.Deactivate(started.Name)); // its adapters could not come up: the activation fails as a whole
            return;
        }
        if (PassThru) WriteObject(new VScsiPartition(started, ResolvedSystemPath));
    }
}
