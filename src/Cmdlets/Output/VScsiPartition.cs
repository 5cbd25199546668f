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
        IscsiPortal = p.IscsiPortal;
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

    /// <summary>host:port where the serving process accepts iSCSI logins to this partition's server adapters, if it does.</summary>
    public string? IscsiPortal { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}
