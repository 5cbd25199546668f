using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates a virtual SCSI server adapter (vhostN) in a Vios or IbmI partition.</summary>
[Cmdlet(VerbsCommon.New, "VScsiServerAdapter", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiServerAdapter))]
public sealed class NewVScsiServerAdapterCommand : NewAdapterCommandBase
{
    /// <summary>The one client partition allowed to connect; omit for any partition.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? RemotePartition { get; set; }

    /// <summary>The client slot allowed to connect; omit for any slot.</summary>
    [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
    public int? RemoteSlot { get; set; }

    private protected override AdapterKind Kind => AdapterKind.Server;
    private protected override string? Remote => RemotePartition;
    private protected override int? RemoteSlotNumber => RemoteSlot;
}
