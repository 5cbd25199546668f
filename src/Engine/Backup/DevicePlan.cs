namespace VScsi.Engine.Backup;

/// <summary>Reads a device's point-in-time content at a byte offset (a snapshot or an offline image).</summary>
internal delegate ValueTask DeviceRead(long offset, Memory<byte> destination, CancellationToken cancellationToken);

/// <summary>What the archive writer stores for one device: the extents to copy and the ranges that became holes.</summary>
internal sealed record DevicePlan(BackupDeviceInfo Info, IReadOnlyList<ByteRange> Stored, IReadOnlyList<ByteRange> Zeroed, DeviceRead Read)
{
    public long StoredBytes => Stored.Sum(e => e.Length);
}
