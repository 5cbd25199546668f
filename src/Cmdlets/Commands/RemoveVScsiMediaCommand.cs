using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Commands;

/// <summary>What Remove-VScsiMedia and Remove-VScsiTapeCartridge share: refused while loaded; files VScsi made are deleted.</summary>
public abstract class RemoveMediaCommandBase : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiMedia", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MediaNameCompleter))]
    public string Name { get; set; } = "";

    protected abstract MediaKind Kind { get; }

    protected override void ProcessRecord()
    {
        if (ShouldProcess(Name, Kind == MediaKind.Tape ? "Remove tape cartridge" : "Remove optical medium")) Use(s => s.RemoveMedia(Name, Kind));
    }
}

/// <summary>Removes an optical medium from its repository (VIOS rmvopt); refused while it is loaded.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiMedia", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiMediaCommand : RemoveMediaCommandBase
{
    protected override MediaKind Kind => MediaKind.Optical;
}
