namespace VScsi.Engine.Configuration;

/// <summary>A virtual disk: an image file (created by VScsi, or an existing image or device) owned by a server partition.</summary>
public sealed record VirtualDisk(string Name, int PartitionId, string PartitionName, string Path, long SizeBytes, int BlockSize,
    bool CreatedByVScsi, bool Shareable, Guid UnitId, string Serial, IReadOnlyList<string> MappedAs, string? Pool = null);

/// <summary>A storage pool: a folder of a server partition where backing devices are created, with an optional size limit.</summary>
public sealed record StoragePool(string Name, int PartitionId, string PartitionName, string Path, long? SizeBytes, long UsedBytes, IReadOnlyList<string> BackingDevices)
{
    /// <summary>What is left to hand out, or null for a pool without a size.</summary>
    public long? FreeBytes => SizeBytes is long size ? Math.Max(0, size - UsedBytes) : null;
}

/// <summary>A virtual target device (vtscsiN): a virtual disk presented on a server adapter at a LUN.</summary>
public sealed record TargetDevice(string Name, int PartitionId, string PartitionName, int ServerSlot, string? ServerAdapter, ulong Lun,
    string BackingDevice, string BackingPath)
{
    /// <summary>The LUN as VIOS lsmap shows it (0x8100000000000000 for LUN 0).</summary>
    public string ViosLun => Scsi.LunFormat.ViosText(Lun);
}

/// <summary>One server adapter's mappings, as lsmap -all groups them.</summary>
public sealed record AdapterMapping(VirtualScsiAdapter ServerAdapter, int? ClientPartitionId, IReadOnlyList<TargetDevice> Devices);
