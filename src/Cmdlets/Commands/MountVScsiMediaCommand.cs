using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Loads optical media or a tape cartridge into a drive (VIOS loadopt); live when the partition is served here.</summary>
[Cmdlet("Mount", "VScsiMedia", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiMapping))]
public sealed class MountVScsiMediaCommand : DriveCommandBase
{
    /// <summary>The optical medium or tape cartridge: a name or the object (piped too).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ObjectNameTransformation("VScsiMedia", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MediaNameCompleter))]
    public string Media { get; set; } = "";

    /// <summary>Unload what the drive holds first.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Device, $"Load '{Media}'")) return;
        var folder = ResolvedSystemPath;
        var mapping = Serve(() =>
        {
            using var s = ManagedSystem.Open(folder);
            var device = s.LoadMedia(Partition, Device, Media, Force, (d, m) => ModuleRuntime.Registry.MediaLoaded(folder, d, m));
            return new VScsiMapping(s.GetMappings(device.PartitionName, device.ServerAdapter).Single(), device, folder);
        }, Device);
        if (mapping is not null && PassThru) WriteObject(mapping);
    }
}
