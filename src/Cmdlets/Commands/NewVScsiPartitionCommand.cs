using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates a logical partition with its default profile (HMC mksyscfg -r lpar).</summary>
[Cmdlet(VerbsCommon.New, "VScsiPartition", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiPartition))]
public sealed class NewVScsiPartitionCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public PartitionType Type { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? Id { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? MaxVirtualSlots { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, $"Create {Type} partition")) return;
        var created = Use(s => s.CreatePartition(Name, Type, Id, MaxVirtualSlots, ProfileName));
        if (created is not null) WriteObject(new VScsiPartition(created, ResolvedSystemPath));
    }
}
