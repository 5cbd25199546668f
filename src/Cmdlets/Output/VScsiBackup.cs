using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>A backup archive in the catalog: what it holds, how big it is and how fast it was written.</summary>
public sealed class VScsiBackup
{
    internal VScsiBackup(BackupRecord b, string systemPath)
    {
        Record = b;
        SystemPath = systemPath;
    }

    internal BackupRecord Record { get; }
    public Guid Id => Record.Id;
    public string Partition => Record.Partition;
    /// <summary>Full or Incremental.</summary>
    public string Type => Record.Type;
    /// <summary>The backup an incremental builds on.</summary>
    public Guid? Parent => Record.ParentId;
    public DateTimeOffset Created => Record.Created;
    public string[] Devices => Record.Devices.ToArray();
    /// <summary>The devices' sizes together.</summary>
    public long LogicalBytes => Record.LogicalBytes;
    /// <summary>The data stored (holes and unchanged extents are not).</summary>
    public long StoredBytes => Record.StoredBytes;
    public long ArchiveBytes => Record.ArchiveBytes;
    public TimeSpan Duration => Record.Duration;
    /// <summary>
    /// Logical bytes read per second: the devices' sizes over the time the backup took, so a sparse
    /// or incremental backup, which stores little, still shows how fast it went through the devices.
    /// Null when the time is unknown (a catalog entry rebuilt from a folder).
    /// </summary>
    public double? ThroughputBytesPerSecond => Record.Duration.TotalSeconds > 0 ? Record.LogicalBytes / Record.Duration.TotalSeconds : null;
    /// <summary><see cref="ThroughputBytesPerSecond"/> in MiB/s, one decimal (0 when the time is unknown).</summary>
    public double ThroughputMiBps => ThroughputBytesPerSecond is double r ? Math.Round(r / (1 << 20), 1) : 0;
    /// <summary>XXH128 of the archive as its end marker records it.</summary>
    public string Checksum => Record.Checksum;
    public string Path => Record.Path;
    public string SystemPath { get; }

    public override string ToString() => Id.ToString();
}
