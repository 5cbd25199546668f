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
    /// <summary>Stored bytes per second, in MiB/s.</summary>
    public double ThroughputMiBps => Record.Duration.TotalSeconds > 0 ? Math.Round(Record.StoredBytes / Record.Duration.TotalSeconds / (1 << 20), 1) : 0;
    /// <summary>XXH128 of the archive as its end marker records it.</summary>
    public string Checksum => Record.Checksum;
    public string Path => Record.Path;
    public string SystemPath { get; }

    public override string ToString() => Id.ToString();
}
