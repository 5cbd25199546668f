using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>A logical partition as cmdlets return it.</summary>
public sealed class VScsiPartition
{
    internal VScsiPartition(Partition p, string systemPath)
    {
        Id = p.Id;
        Name = p.Name;
        Type = p.Type;
        State = p.State;
        MaxVirtualSlots = p.MaxVirtualSlots;
        DefaultProfile = p.DefaultProfile;
        RunningProfile = p.RunningProfile;
        Profiles = p.Profiles.ToArray();
        SystemPath = systemPath;
    }

    public int Id { get; }
    public string Name { get; }
    public PartitionType Type { get; }
    public PartitionState State { get; }
    public int MaxVirtualSlots { get; }
    public string DefaultProfile { get; }
    public string? RunningProfile { get; }
    public string[] Profiles { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}
