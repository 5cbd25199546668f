using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Removes a virtual SCSI server adapter by name or slot.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiServerAdapter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "ByName")]
[OutputType(typeof(VScsiServerAdapter))]
public sealed class RemoveVScsiServerAdapterCommand : RemoveAdapterCommandBase
{
    private protected override AdapterKind Kind => AdapterKind.Server;
}
