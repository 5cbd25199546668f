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

/// <summary>A virtual SCSI server adapter (vhostN) of a Vios or IbmI partition; over iSCSI it is the target <see cref="IscsiName"/>.</summary>
public sealed class VScsiServerAdapter : VScsiAdapter
{
    internal VScsiServerAdapter(VirtualScsiAdapter a, string systemPath) : base(a, systemPath)
    {
        IscsiName = a.Iscsi.Name;
        ChapUser = a.Iscsi.ChapUser;
        MutualChapUser = a.Iscsi.MutualChapUser;
    }

    /// <summary>The target IQN initiators log in to (generated unless set with Set-VScsiServerAdapter -IscsiName).</summary>
    public string IscsiName { get; }

    /// <summary>The CHAP user initiators must answer as, or null when no CHAP is required. Secrets are never shown.</summary>
    public string? ChapUser { get; }

    /// <summary>The CHAP user this target answers as when an initiator asks for mutual CHAP.</summary>
    public string? MutualChapUser { get; }
}

/// <summary>A virtual SCSI client adapter (vscsiN); over iSCSI it logs in as <see cref="InitiatorName"/>.</summary>
public sealed class VScsiClientAdapter : VScsiAdapter
{
    internal VScsiClientAdapter(VirtualScsiAdapter a, string systemPath) : base(a, systemPath)
    {
        InitiatorName = a.Iscsi.Name;
        QueueDepth = a.Iscsi.QueueDepth;
        ChapUser = a.Iscsi.ChapUser;
    }

    /// <summary>The iSCSI initiator name this adapter logs in with; the paired server adapter's target admits only it.</summary>
    public string InitiatorName { get; }

    /// <summary>Commands the client may have outstanding (the iSCSI CmdSN window).</summary>
    public int QueueDepth { get; }

    /// <summary>The CHAP user this adapter logs in as, if set.</summary>
    public string? ChapUser { get; }
}
