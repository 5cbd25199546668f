using System.Management.Automation;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Commands;

/// <summary>Ejects a drive's media (VIOS unloadopt); refused while a client prevents medium removal, unless -Force.</summary>
[Cmdlet("Dismount", "VScsiMedia", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DismountVScsiMediaCommand : DriveCommandBase
{
    /// <summary>Eject even while a client has PREVENT MEDIUM REMOVAL in effect.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Device, "Unload the media")) return;
        var folder = ResolvedSystemPath;
        Serve(() =>
        {
            using var s = ManagedSystem.Open(folder);
            return s.UnloadMedia(Partition, Device, d => ModuleRuntime.Registry.MediaUnloading(folder, d, Force));
        }, Device);
    }
}
