using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes a virtual SCSI client adapter by name or slot.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiClientAdapter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "ByName")]
[OutputType(typeof(VScsiClientAdapter))]
public sealed class RemoveVScsiClientAdapterCommand : RemoveAdapterCommandBase
{
    private protected override AdapterKind Kind => AdapterKind.Client;
}
