namespace VScsi.Engine.Configuration;

/// <summary>What a node of a topology picture stands for; each renderer gives each kind its own shape.</summary>
public enum TopologyNodeKind { Partition, ServerAdapter, ClientAdapter, TargetDevice, Backing, Media, Portal, MissingPartner }

/// <summary>
/// What an edge means: a server/client adapter pair, an adapter without a partner (drawn dashed,
/// to a node that says what it waits for), a target device on its adapter, a device's backing or
/// loaded medium, a partition's iSCSI portal.
/// </summary>
public enum TopologyEdgeKind { Pair, Unpaired, Maps, Backs, Serves }

/// <summary>
/// A node. <see cref="Id"/> is a safe identifier in every output language (letters, digits and
/// '_', starting with a letter); <see cref="Lines"/> are raw text (names as the user gave them),
/// which each renderer escapes. <see cref="Partition"/> is the id of the partition it is drawn in.
/// </summary>
public sealed record TopologyNode(string Id, TopologyNodeKind Kind, IReadOnlyList<string> Lines, int? Partition)
{
    /// <summary>The type of a partition node (its shape).</summary>
    public PartitionType? PartitionType { get; init; }

    /// <summary>The state of a partition node (its fill).</summary>
    public PartitionState? State { get; init; }

    /// <summary>An adapter with no partner, or the placeholder of its missing partner: drawn dashed.</summary>
    public bool Unpaired { get; init; }
}

/// <summary>An edge between two node ids, with an optional raw-text label.</summary>
public sealed record TopologyEdge(string From, string To, TopologyEdgeKind Kind, string? Label);

/// <summary>A partition, drawn as a group (Mermaid subgraph, Graphviz cluster) around its nodes.</summary>
public sealed record TopologyGroup(int PartitionId, string Id, string Title);

/// <summary>
/// A picture of a managed system, independent of the language it is drawn in: partitions (by type
/// and state), their adapters, the pairs between them (unpaired adapters marked), the target
/// devices on server adapters with what backs them, and the iSCSI portals being served.
/// <see cref="TopologyMermaid"/> and <see cref="TopologyDot"/> render it.
/// </summary>
public sealed record TopologyGraph(string SystemName, IReadOnlyList<TopologyGroup> Groups, IReadOnlyList<TopologyNode> Nodes, IReadOnlyList<TopologyEdge> Edges)
{
    /// <summary>
    /// Builds the picture from what the configuration lists: the partitions (with the state to
    /// show), the adapters of their current configurations, the server adapters' mappings and the
    /// virtual disks (for the pool a backing device was carved from).
    /// </summary>
    public static TopologyGraph Build(string systemName, IEnumerable<Partition> partitions, IEnumerable<VirtualScsiAdapter> adapters,
        IEnumerable<AdapterMapping> mappings, IEnumerable<VirtualDisk> disks) =>
        new TopologyBuilder(systemName).Build(partitions.ToList(), adapters.ToList(), mappings.ToList(), disks.ToList());
}
