namespace VScsi.Engine.Backup;

/// <summary>
/// One backing device of the partition. <paramref name="Live"/> is its store when the partition is
/// served (the backup then snapshots it); null means the image is read directly from
/// <paramref name="Path"/>, which nothing may write during the backup.
/// </summary>
public sealed record BackupDevice(string Name, string Path, int BlockSize = 512, TrackedBlockStore? Live = null);

/// <summary>What to back up and where: <paramref name="Destination"/> is a file, or an existing folder to put a named archive in.</summary>
public sealed record BackupRequest(string Partition, IReadOnlyList<BackupDevice> Devices, ReadOnlyMemory<byte> Configuration,
    string Destination, BackupType Type = BackupType.Full, bool Compress = false)
{
    /// <summary>Where copy-on-write files go (default: the destination's folder).</summary>
    public string? CowFolder { get; init; }

    /// <summary>zstd level when compressing (ZstdSharp, levels as in zstd(1)).</summary>
    public int CompressionLevel { get; init; } = 3;
}

/// <summary>A written archive: identity, chain link, sizes, the time it took and the XXH128 of the archive file.</summary>
public sealed record BackupResult(Guid BackupId, BackupType Type, Guid? ParentId, string Path, IReadOnlyList<string> Devices,
    long LogicalBytes, long StoredBytes, long ArchiveBytes, TimeSpan Duration, TimeSpan WritePause, string ArchiveXxh128);
