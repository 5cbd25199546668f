using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists tape cartridges with their capacity, what is written and the drive they are loaded in.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiTapeCartridge")]
[OutputType(typeof(VScsiMedia))]
public sealed class GetVScsiTapeCartridgeCommand : MediaListCommandBase
{
    protected override MediaKind Kind => MediaKind.Tape;
}
