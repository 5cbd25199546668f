using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>
/// A virtual SCSI adapter as listed. <see cref="Profile"/> is null for the running configuration,
/// so piping an adapter to Remove- acts on the same configuration it was read from.
/// </summary>
public abstract class VScsiAdapter
{
    private protected VScsiAdapter(VirtualScsiAdapter a, string systemPath)
    {
        var d = a.Definition;
        Partition = a.PartitionName;
        PartitionId = a.PartitionId;
        Name = a.Name;
        Slot = d.Slot;
        RemotePartitionId = d.RemoteIdNumber;
        RemoteSlot = d.AcceptsAnySlot ? AdapterDefinition.Any : d.RemoteSlot;
        Required = d.Required;
        Profile = a.Profile;
        IsRunningConfiguration = a.IsRunningConfiguration;
        LocationCode = a.LocationCode;
        Status = a.Pairing;
        PairedWith = a.PartnerAdapter is null ? null : $"{a.PartnerPartitionName}/{a.PartnerAdapter}";
        Problem = a.PairingProblem;
        Definition = d.ToString();
        SystemPath = systemPath;
        RemotePartition = d.AcceptsAnyPartition ? AdapterDefinition.Any
            : d.RemoteName.Length > 0 ? d.RemoteName : d.RemoteId;
    }

    internal static VScsiAdapter Create(VirtualScsiAdapter a, string systemPath) =>
        a.Definition.Kind == AdapterKind.Server ? new VScsiServerAdapter(a, systemPath) : new VScsiClientAdapter(a, systemPath);

    public string Partition { get; }
    public int PartitionId { get; }
    public string Name { get; }
    public int Slot { get; }
    /// <summary>The partner partition's name (or id when only the id was given), or <c>any</c>.</summary>
    public string RemotePartition { get; }
    public int? RemotePartitionId { get; }
    /// <summary>The partner slot, or <c>any</c>.</summary>
    public string RemoteSlot { get; }
    public bool Required { get; }
    public string? Profile { get; }
    public bool IsRunningConfiguration { get; }
    public string LocationCode { get; }
    public PairingStatus Status { get; }
    /// <summary><c>partition/adapter</c> of the partner when paired.</summary>
    public string? PairedWith { get; }
    /// <summary>Why the adapter is not paired.</summary>
    public string? Problem { get; }
    /// <summary>The adapter as one HMC <c>virtual_scsi_adapters</c> entry.</summary>
    public string Definition { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}

/// <summary>A virtual SCSI server adapter (vhostN) of a Vios or IbmI partition.</summary>
public sealed class VScsiServerAdapter : VScsiAdapter
{
    internal VScsiServerAdapter(VirtualScsiAdapter a, string systemPath) : base(a, systemPath) { }
}

/// <summary>A virtual SCSI client adapter (vscsiN).</summary>
public sealed class VScsiClientAdapter : VScsiAdapter
{
    internal VScsiClientAdapter(VirtualScsiAdapter a, string systemPath) : base(a, systemPath) { }
}
