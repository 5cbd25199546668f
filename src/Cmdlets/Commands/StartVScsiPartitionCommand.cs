using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Activates a partition with a profile (the default unless -Profile): every required adapter
/// must be able to pair, then the profile becomes the running configuration.
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
        if (started is not null && PassThru) WriteObject(new VScsiPartition(started, ResolvedSystemPath));
    }
}
