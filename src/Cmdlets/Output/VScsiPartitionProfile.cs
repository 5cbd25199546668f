using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>A partition profile; <see cref="VirtualScsiAdapters"/> prints the HMC attribute value.</summary>
public sealed class VScsiPartitionProfile
{
    internal VScsiPartitionProfile(PartitionProfile p, string systemPath)
    {
        Partition = p.PartitionName;
        PartitionId = p.PartitionId;
        Name = p.Name;
        IsDefault = p.IsDefault;
        MaxVirtualSlots = p.MaxVirtualSlots;
        VirtualScsiAdapters = p.VirtualScsiAdapters;
        SystemPath = systemPath;
    }

    public string Partition { get; }
    public int PartitionId { get; }
    public string Name { get; }
    public bool IsDefault { get; }
    public int MaxVirtualSlots { get; }
    public string VirtualScsiAdapters { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}
