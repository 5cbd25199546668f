using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates a virtual SCSI client adapter (vscsiN) that connects to a server adapter.</summary>
[Cmdlet(VerbsCommon.New, "VScsiClientAdapter", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiClientAdapter))]
public sealed class NewVScsiClientAdapterCommand : NewAdapterCommandBase
{
    /// <summary>The server partition (Vios or IbmI) to connect to.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string RemotePartition { get; set; } = "";

    /// <summary>The slot of the server adapter to connect to.</summary>
    [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
    public int RemoteSlot { get; set; }

    private protected override AdapterKind Kind => AdapterKind.Client;
    private protected override string? Remote => RemotePartition;
    private protected override int? RemoteSlotNumber => RemoteSlot;
}
