using System.Globalization;
using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell;

/// <summary>
/// Lets a -Partition parameter take a partition name, a partition id, or a partition object
/// (so <c>Get-VScsiPartition -Type Vios | Get-VScsiServerAdapter</c> works).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PartitionNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => inputData switch
    {
        PSObject pso => Transform(engineIntrinsics, pso.BaseObject),
        VScsiPartition p => p.Name,
        int id => id.ToString(CultureInfo.InvariantCulture),
        object[] many => many.Select(o => Transform(engineIntrinsics, o)).ToArray(),
        _ => inputData,
    };
}
