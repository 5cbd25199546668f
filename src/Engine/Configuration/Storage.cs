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

/// <summary>What a virtual target device presents: a disk (vtscsiN), a CD/DVD drive (vtoptN) or a tape drive (vttapeN).</summary>
public enum TargetDeviceKind { Disk, Optical, Tape }

/// <summary>
/// A virtual target device on a server adapter at a LUN: a virtual disk (vtscsiN), or a drive
/// (vtoptN, vttapeN) whose backing device is the media loaded in it, empty ("") when none is.
/// </summary>
public sealed record TargetDevice(string Name, int PartitionId, string PartitionName, int ServerSlot, string? ServerAdapter, ulong Lun,
    string BackingDevice, string BackingPath)
{
    public TargetDeviceKind Kind { get; init; } = TargetDeviceKind.Disk;

    /// <summary>The stable identity of a drive's logical unit (a disk's is its virtual disk's); it keeps the NAA id across restarts.</summary>
    public Guid UnitId { get; init; }

    /// <summary>The media loaded in a drive, if any.</summary>
    public VirtualMedia? Media { get; init; }

    /// <summary>The LUN as VIOS lsmap shows it (0x8100000000000000 for LUN 0).</summary>
    public string ViosLun => Scsi.LunFormat.ViosText(Lun);
}

/// <summary>One server adapter's mappings, as lsmap -all groups them.</summary>
public sealed record AdapterMapping(VirtualScsiAdapter ServerAdapter, int? ClientPartitionId, IReadOnlyList<TargetDevice> Devices);

/// <summary>Removable media of a server partition: optical (ISO or DVD-RAM image) or a tape cartridge (SIMH tape image).</summary>
public enum MediaKind { Optical, Tape }

/// <summary>
/// One medium. <see cref="ReadOnly"/> optical media are DVD-ROM and may be loaded in several drives
/// at once; rewritable optical media (DVD-RAM) and cartridges are loaded in one drive at a time.
/// <see cref="Owned"/> media files were created or copied by VScsi and are deleted with the medium.
/// </summary>
public sealed record VirtualMedia(string Name, int PartitionId, string PartitionName, MediaKind Kind, string Path, long SizeBytes,
    bool ReadOnly, bool Owned, long? CapacityBytes, IReadOnlyList<string> LoadedIn);

/// <summary>The media repository (VIOS VMLibrary) of a server partition: a folder with an optional size limit.</summary>
public sealed record MediaRepository(int PartitionId, string PartitionName, string Path, long? SizeBytes, long UsedBytes, IReadOnlyList<string> Media)
{
    public const string Name = "VMLibrary";

    public long? FreeBytes => SizeBytes is long size ? Math.Max(0, size - UsedBytes) : null;
}
