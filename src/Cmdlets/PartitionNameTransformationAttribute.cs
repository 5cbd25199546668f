using System.Globalization;
using System.Management.Automation;

namespace VScsi.PowerShell;

/// <summary>
/// Lets a -Partition parameter take a partition name, a partition id, a partition object, or any
/// module object that lives on a partition (an adapter, disk, pool, medium, mapping, backup...),
/// live or deserialized (so <c>Get-VScsiPartition -Type Vios | Get-VScsiServerAdapter</c> and
/// <c>-Partition $adapter</c> both work). A client session is not taken by value: it binds to
/// -Session where a cmdlet has one, and by its Partition property elsewhere.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PartitionNameTransformationAttribute : ObjectNameTransformationAttribute
{
    public PartitionNameTransformationAttribute()
        : base("VScsiPartition", "Name", "VScsiPartitionProfile", "Partition", "VScsiServerAdapter", "Partition",
            "VScsiClientAdapter", "Partition", "VScsiMapping", "Partition", "VScsiVirtualDisk", "Partition",
            "VScsiStoragePool", "Partition", "VScsiMedia", "Partition", "VScsiMediaRepository", "Partition",
            "VScsiBackup", "Partition", "VScsiClientDevice", "Partition",
            "VScsiIscsiSession", "Partition", "VScsiConfigurationFinding", "Partition")
    {
    }

    protected override object? Other(object value) => value is int id ? id.ToString(CultureInfo.InvariantCulture) : value;
}
