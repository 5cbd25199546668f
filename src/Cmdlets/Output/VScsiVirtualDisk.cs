using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>A virtual disk owned by a server partition.</summary>
public sealed class VScsiVirtualDisk
{
    internal VScsiVirtualDisk(VirtualDisk d, string systemPath)
    {
        Name = d.Name;
        Partition = d.PartitionName;
        Path = d.Path;
        SizeBytes = d.SizeBytes;
        BlockSize = d.BlockSize;
        CreatedByVScsi = d.CreatedByVScsi;
        Shareable = d.Shareable;
        Serial = d.Serial;
        UnitId = d.UnitId;
        MappedAs = d.MappedAs.ToArray();
        Pool = d.Pool;
        SystemPath = systemPath;
    }

    public string Name { get; }
    public string Partition { get; }
    public string Path { get; }
    public long SizeBytes { get; }
    public int BlockSize { get; }
    public bool CreatedByVScsi { get; }
    public bool Shareable { get; }
    public string Serial { get; }
    public Guid UnitId { get; }
    /// <summary>The virtual target devices (vtscsiN) that present this disk.</summary>
    public string[] MappedAs { get; }
    /// <summary>The storage pool a backing device was carved from; null for a standalone virtual disk.</summary>
    public string? Pool { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}
