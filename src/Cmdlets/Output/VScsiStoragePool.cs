using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>A storage pool with its used and free space.</summary>
public sealed class VScsiStoragePool
{
    internal VScsiStoragePool(StoragePool p, string systemPath)
    {
        Name = p.Name;
        Partition = p.PartitionName;
        Path = p.Path;
        SizeBytes = p.SizeBytes;
        UsedBytes = p.UsedBytes;
        FreeBytes = p.FreeBytes;
        BackingDevices = p.BackingDevices.ToArray();
        SystemPath = systemPath;
    }

    public string Name { get; }
    public string Partition { get; }
    public string Path { get; }
    /// <summary>The pool's size, or null when it has none (the file system is the limit).</summary>
    public long? SizeBytes { get; }
    public long UsedBytes { get; }
    public long? FreeBytes { get; }
    public string[] BackingDevices { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}
