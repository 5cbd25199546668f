using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Closes client sessions: outstanding commands are aborted and the nexus is forgotten by the server.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "VScsiClient", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DisconnectVScsiClientCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public VScsiClientSession[] Session { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var s in Session)
        {
            if (!ShouldProcess(s.Nexus, "Disconnect")) continue;
            ModuleRuntime.Sessions.TryRemove(s.Session, out _);
            ModuleRuntime.Registry.DisconnectAsync(s.Session).GetAwaiter().GetResult();
        }
    }
}
