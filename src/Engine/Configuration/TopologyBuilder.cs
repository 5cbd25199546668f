using System.Globalization;

namespace VScsi.Engine.Configuration;

/// <summary>
/// Turns configuration listings into a <see cref="TopologyGraph"/>. Node ids are made here from
/// numbers only (partition id, slot, a counter), never from names, so no name can break an id in
/// any output language; names travel as raw label text for the renderers to escape.
/// </summary>
internal sealed class TopologyBuilder(string systemName)
{
    private readonly List<TopologyGroup> _groups = [];
    private readonly List<TopologyNode> _nodes = [];
    private readonly List<TopologyEdge> _edges = [];
    private readonly Dictionary<string, string> _backings = new(StringComparer.OrdinalIgnoreCase);

    public TopologyGraph Build(List<Partition> partitions, List<VirtualScsiAdapter> adapters, List<AdapterMapping> mappings, List<VirtualDisk> disks)
    {
        foreach (var p in partitions.OrderBy(p => p.Id))
            AddPartition(p);
        var known = partitions.Select(p => p.Id).ToHashSet();
        var drawn = adapters.Where(a => known.Contains(a.PartitionId)).ToList();
        foreach (var a in drawn)
            AddAdapter(a);
        foreach (var a in drawn)
            AddPairing(a, drawn);
        foreach (var m in mappings.Where(m => known.Contains(m.ServerAdapter.PartitionId)))
            foreach (var d in m.Devices)
                AddDevice(m.ServerAdapter, d, disks);
        return new TopologyGraph(systemName, _groups, _nodes, _edges);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string PartitionNode(int id) => Invariant($"p{id}");

    private static string AdapterNode(int partition, int slot) => Invariant($"p{partition}_s{slot}");

    private void AddPartition(Partition p)
    {
        var id = PartitionNode(p.Id);
        _groups.Add(new TopologyGroup(p.Id, Invariant($"g{p.Id}"), p.Name));
        _nodes.Add(new TopologyNode(id, TopologyNodeKind.Partition, [p.Name, Invariant($"{p.Type} · {p.State} · id {p.Id}")], p.Id)
        {
            PartitionType = p.Type,
            State = p.State,
        });
        if (p.IscsiPortal is null) return;
        var portal = id + "_portal";
        _nodes.Add(new TopologyNode(portal, TopologyNodeKind.Portal, ["iSCSI portal", p.IscsiPortal], p.Id));
        _edges.Add(new TopologyEdge(id, portal, TopologyEdgeKind.Serves, "serves"));
    }

    private void AddAdapter(VirtualScsiAdapter a)
    {
        var side = a.Definition.Kind == AdapterKind.Server ? "server" : "client";
        _nodes.Add(new TopologyNode(AdapterNode(a.PartitionId, a.Definition.Slot),
            a.Definition.Kind == AdapterKind.Server ? TopologyNodeKind.ServerAdapter : TopologyNodeKind.ClientAdapter,
            [a.Name, Invariant($"{side} · slot {a.Definition.Slot}")], a.PartitionId)
        {
            Unpaired = a.Pairing != PairingStatus.Paired,
        });
    }

    /// <summary>A pair is drawn once, from its server adapter; an adapter without a partner gets a dashed edge to what it expects.</summary>
    private void AddPairing(VirtualScsiAdapter a, List<VirtualScsiAdapter> adapters)
    {
        var id = AdapterNode(a.PartitionId, a.Definition.Slot);
        if (a.Pairing == PairingStatus.Paired)
        {
            if (a.Definition.Kind != AdapterKind.Server) return;
            var partner = adapters.Find(c => c.PartitionId == a.PartnerPartitionId && c.Definition.Kind == AdapterKind.Client
                && string.Equals(c.Name, a.PartnerAdapter, StringComparison.OrdinalIgnoreCase));
            if (partner is not null)
            {
                _edges.Add(new TopologyEdge(id, AdapterNode(partner.PartitionId, partner.Definition.Slot), TopologyEdgeKind.Pair, null));
                return;
            }
        }
        var missing = id + "_missing";
        _nodes.Add(new TopologyNode(missing, TopologyNodeKind.MissingPartner, [Expected(a.Definition)], a.PartitionId) { Unpaired = true });
        _edges.Add(new TopologyEdge(id, missing, TopologyEdgeKind.Unpaired, a.Pairing == PairingStatus.Refused ? "refused" : "unpaired"));
    }

    /// <summary>What an adapter's definition points at: "any client partition", "lpar2 slot 3"...</summary>
    private static string Expected(AdapterDefinition d)
    {
        var partition = d.AcceptsAnyPartition ? (d.Kind == AdapterKind.Server ? "any client partition" : "any partition")
            : d.RemoteName.Length > 0 ? d.RemoteName : "partition " + d.RemoteId;
        var slot = d.AcceptsAnySlot ? "any slot" : "slot " + d.RemoteSlot;
        return $"expects {partition}, {slot}";
    }

    private void AddDevice(VirtualScsiAdapter adapter, TargetDevice d, List<VirtualDisk> disks)
    {
        var id = Invariant($"p{d.PartitionId}_d{_nodes.Count}");
        var what = d.Kind switch { TargetDeviceKind.Optical => "CD/DVD drive", TargetDeviceKind.Tape => "tape drive", _ => "disk" };
        var empty = d.Kind != TargetDeviceKind.Disk && d.Media is null;
        _nodes.Add(new TopologyNode(id, TopologyNodeKind.TargetDevice, empty ? [d.Name, what, "empty"] : [d.Name, what], d.PartitionId));
        _edges.Add(new TopologyEdge(AdapterNode(adapter.PartitionId, adapter.Definition.Slot), id, TopologyEdgeKind.Maps, "LUN " + d.ViosLun));
        if (empty) return;
        var backing = d.Media is { } media ? MediaNode(media) : DiskNode(d, disks);
        _edges.Add(new TopologyEdge(id, backing, TopologyEdgeKind.Backs, null));
    }

    /// <summary>One node per virtual disk, however many devices present it (a shareable disk may be mapped twice).</summary>
    private string DiskNode(TargetDevice d, List<VirtualDisk> disks)
    {
        var key = "disk:" + d.BackingDevice;
        if (_backings.TryGetValue(key, out var existing)) return existing;
        var id = Invariant($"b{_backings.Count}");
        var pool = disks.Find(v => string.Equals(v.Name, d.BackingDevice, StringComparison.OrdinalIgnoreCase))?.Pool;
        _nodes.Add(new TopologyNode(id, TopologyNodeKind.Backing, [d.BackingDevice, pool is null ? d.BackingPath : "pool " + pool], d.PartitionId));
        _backings[key] = id;
        return id;
    }

    /// <summary>One node per medium; read-only optical media may be loaded in several drives.</summary>
    private string MediaNode(VirtualMedia m)
    {
        var key = "media:" + m.Name;
        if (_backings.TryGetValue(key, out var existing)) return existing;
        var id = Invariant($"b{_backings.Count}");
        var what = m.Kind == MediaKind.Tape ? "tape cartridge" : m.ReadOnly ? "DVD-ROM" : "DVD-RAM";
        _nodes.Add(new TopologyNode(id, TopologyNodeKind.Media, [m.Name, what], m.PartitionId));
        _backings[key] = id;
        return id;
    }
}
