using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists virtual SCSI server adapters of the current configuration (running, else default profile) or of a profile.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiServerAdapter")]
[OutputType(typeof(VScsiServerAdapter))]
public sealed class GetVScsiServerAdapterCommand : GetAdapterCommandBase
{
    private protected override AdapterKind Kind => AdapterKind.Server;
}
