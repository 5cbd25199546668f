using VScsi.Engine.Backup;

namespace VScsi.PowerShell.Output;

/// <summary>A device Restore-VScsiBackup wrote: its image file, its size and the data written into it.</summary>
public sealed class VScsiRestoredDevice
{
    internal VScsiRestoredDevice(RestoredDevice d, string partition, Guid backupId)
    {
        Device = d.Device;
        Partition = partition;
        BackupId = backupId;
        Path = d.Path;
        Size = d.Size;
        DataBytes = d.DataBytes;
    }

    /// <summary>The device (backing device or virtual disk) name.</summary>
    public string Device { get; }
    /// <summary>The partition the backup was taken of.</summary>
    public string Partition { get; }
    public Guid BackupId { get; }
    /// <summary>The image file written.</summary>
    public string Path { get; }
    /// <summary>The device's size.</summary>
    public long Size { get; }
    /// <summary>The bytes of data written (holes are left holes).</summary>
    public long DataBytes { get; }

    public override string ToString() => Path;
}
