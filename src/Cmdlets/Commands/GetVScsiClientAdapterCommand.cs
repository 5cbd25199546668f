using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists virtual SCSI client adapters of the current configuration (running, else default profile) or of a profile.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiClientAdapter")]
[OutputType(typeof(VScsiClientAdapter))]
public sealed class GetVScsiClientAdapterCommand : GetAdapterCommandBase
{
    private protected override AdapterKind Kind => AdapterKind.Client;
}
