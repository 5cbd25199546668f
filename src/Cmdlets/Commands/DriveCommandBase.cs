using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// What the cmdlets that work on a drive share: -Device (vtoptN, vttapeN; from a Get-VScsiMapping
/// line too) and -Partition, needed only when several partitions have a device of that name.
/// </summary>
public abstract class DriveCommandBase : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiMapping", "Device")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DriveNameCompleter))]
    public string Device { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }
}

/// <summary>What the cmdlets that add to a media repository share: -Partition, needed only when several partitions have one.</summary>
public abstract class RepositoryCommandBase : VScsiCmdlet
{
    /// <summary>The server partition; optional when only one partition has a repository.</summary>
    [Parameter]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }
}
