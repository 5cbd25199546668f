using System.Management.Automation;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes a tape cartridge and its image file; refused while it is loaded.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiTapeCartridge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiTapeCartridgeCommand : RemoveMediaCommandBase
{
    protected override MediaKind Kind => MediaKind.Tape;
}
