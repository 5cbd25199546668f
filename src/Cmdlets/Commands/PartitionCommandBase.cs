using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// The -Name parameter of the cmdlets that act on one partition (Set/Remove/Start/Stop): a name,
/// an id or a partition object, from the pipeline by value or by property name.
/// </summary>
public abstract class PartitionCommandBase : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiPartition", "Name")]                  // only the partition itself: a piped adapter never names its partition here
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";
}

/// <summary>The -Partition and -Name parameters of the cmdlets that act on one profile.</summary>
public abstract class ProfileCommandBase : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiPartitionProfile", "Name")]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";
}
