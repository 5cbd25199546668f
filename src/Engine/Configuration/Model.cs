namespace VScsi.Engine.Configuration;

/// <summary>The partition environment (HMC <c>lpar_env</c>): only Vios and IbmI may own server adapters.</summary>
public enum PartitionType { Vios, IbmI, AixLinux }

/// <summary>
/// Whether a partition runs a configuration (HMC "Running") or not ("Not Activated"). Stale is a
/// server partition the database says is Running while no live process holds its serving lock: the
/// process that served it was killed or crashed; the next Start-VScsiPartition clears it and serves.
/// </summary>
public enum PartitionState { NotActivated, Running, Stale }

/// <summary>Which end of a virtual SCSI pair an adapter is.</summary>
public enum AdapterKind { Server, Client }

/// <summary>The managed system a configuration database describes.</summary>
public sealed record SystemInfo(string Name, string Serial, string MachineTypeModel, string DatabasePath, int SchemaVersion)
{
    /// <summary>The physical location code prefix, <c>U&lt;type.model&gt;.&lt;serial&gt;</c>.</summary>
    public string LocationPrefix => $"U{MachineTypeModel}.{Serial}";
}

/// <summary>A logical partition. MaxVirtualSlots is that of the running configuration, or of the default profile.</summary>
public sealed record Partition(
    int Id, string Name, PartitionType Type, PartitionState State, int MaxVirtualSlots,
    string DefaultProfile, string? RunningProfile, IReadOnlyList<string> Profiles)
{
    /// <summary>The iSCSI portal (host:port) of the process serving it, when it is served over iSCSI.</summary>
    public string? IscsiPortal { get; init; }
}

/// <summary>A partition profile (HMC style): the adapters a partition gets when activated with it.</summary>
public sealed record PartitionProfile(
    int PartitionId, string PartitionName, string Name, int MaxVirtualSlots, bool IsDefault,
    IReadOnlyList<AdapterDefinition> Adapters)
{
    /// <summary>The adapters in HMC <c>virtual_scsi_adapters</c> syntax (<c>none</c> when empty).</summary>
    public string VirtualScsiAdapters => HmcAdapterSyntax.Format(Adapters);
}

/// <summary>
/// One entry of <c>virtual_scsi_adapters</c>: slot/kind/remote-id/remote-name/remote-slot/is-required.
/// Remote id and slot are kept as written (empty, <c>any</c> or a number) so profiles round-trip exactly.
/// </summary>
public sealed record AdapterDefinition(int Slot, AdapterKind Kind, string RemoteId, string RemoteName, string RemoteSlot, bool Required)
{
    public const string Any = "any";

    public bool AcceptsAnyPartition => RemoteId == Any || (Kind == AdapterKind.Server && RemoteId.Length == 0 && RemoteName.Length == 0);

    public bool AcceptsAnySlot => RemoteSlot == Any || (Kind == AdapterKind.Server && RemoteSlot.Length == 0);

    public int? RemoteIdNumber => int.TryParse(RemoteId, out var v) ? v : null;

    public int? RemoteSlotNumber => int.TryParse(RemoteSlot, out var v) ? v : null;

    public override string ToString() => HmcAdapterSyntax.Format(this);
}

/// <summary>Whether an adapter has a partner, and if not, why.</summary>
public enum PairingStatus { Paired, Unpaired, Refused }

/// <summary>
/// An adapter as listed: its definition, where it lives (the running configuration or a named
/// profile), its generated name (vhostN / vscsiN) and its pairing as evaluated against the
/// partner partition's current configuration.
/// </summary>
public sealed record VirtualScsiAdapter(
    int PartitionId, string PartitionName, string Name, AdapterDefinition Definition,
    string? Profile, bool IsRunningConfiguration, string LocationCode,
    PairingStatus Pairing, int? PartnerPartitionId, string? PartnerPartitionName, string? PartnerAdapter, string? PairingProblem)
{
    /// <summary>Its iSCSI identity: the target IQN of a server adapter, the initiator name of a client adapter.</summary>
    public IscsiAdapterSettings Iscsi { get; init; } = IscsiAdapterSettings.Default;
}

/// <summary>
/// An adapter's iSCSI settings: <see cref="Name"/> is the target IQN (server) or initiator name
/// (client), generated unless overridden; the client adapter's queue depth sizes the CmdSN window;
/// CHAP user names (the secrets are never part of the model).
/// </summary>
public sealed record IscsiAdapterSettings(string Name, bool NameOverridden, int QueueDepth, string? ChapUser, string? MutualChapUser)
{
    public static readonly IscsiAdapterSettings Default = new("", false, 16, null, null);
}

/// <summary>A problem found by <see cref="ManagedSystem.Test"/>.</summary>
public sealed record ConfigurationFinding(FindingSeverity Severity, string Code, string Partition, string? Adapter, int? Slot, string Message);

/// <summary>Error: a required adapter cannot pair, so activation would fail. Warning: an optional adapter has no partner.</summary>
public enum FindingSeverity { Warning, Error }
