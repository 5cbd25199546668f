using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates a partition profile, optionally with adapters in HMC <c>virtual_scsi_adapters</c> syntax.</summary>
[Cmdlet(VerbsCommon.New, "VScsiPartitionProfile", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiPartitionProfile))]
public sealed class NewVScsiPartitionProfileCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Position = 2)]
    [ValidateNotNullOrEmpty]
    public string? VirtualScsiAdapters { get; set; }

    [Parameter]
    public int? MaxVirtualSlots { get; set; }

    [Parameter]
    public SwitchParameter Default { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"{Partition}/{Name}", "Create partition profile")) return;
        var created = Use(s => s.CreateProfile(Partition, Name, VirtualScsiAdapters, MaxVirtualSlots, Default));
        if (created is not null) WriteObject(new VScsiPartitionProfile(created, ResolvedSystemPath));
    }
}
