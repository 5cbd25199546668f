namespace VScsi.Engine.Configuration;

/// <summary>The outcome of looking for an adapter's partner.</summary>
internal sealed record PairingResult(PairingStatus Status, PartitionRow? Partner, AdapterRow? PartnerAdapter, string? Problem, string Code)
{
    public static PairingResult Paired(PartitionRow partner, AdapterRow adapter) => new(PairingStatus.Paired, partner, adapter, null, "Paired");
}

/// <summary>
/// The virtual SCSI pairing rules. A client adapter names a server partition and slot; a server
/// adapter names the one client partition (and slot) it accepts, or <c>any</c>. A pair exists when
/// both sides agree, judged against each partner's current configuration (running, else default
/// profile). A server adapter serves one client at a time (1:1), so a second client is refused.
/// </summary>
internal static class Pairing
{
    /// <summary>Resolves an adapter's remote partition; Problem says why it cannot be resolved.</summary>
    public static (PartitionRow? Partition, string? Problem) ResolveRemote(ConfigSnapshot s, AdapterDefinition d)
    {
        if (d.AcceptsAnyPartition) return (null, null);
        var byId = d.RemoteIdNumber is int id ? s.FindPartition(id) : null;
        var byName = d.RemoteName.Length > 0
            ? s.Partitions.Find(p => string.Equals(p.Name, d.RemoteName, StringComparison.OrdinalIgnoreCase))
            : null;
        if (d.RemoteIdNumber is not null && byId is null)
            return (null, $"no partition has id {d.RemoteId}");
        if (d.RemoteName.Length > 0 && byName is null)
            return (null, $"no partition is named '{d.RemoteName}'");
        if (byId is not null && byName is not null && byId.Id != byName.Id)
            return (null, $"remote id {d.RemoteId} is partition '{byId.Name}', not '{d.RemoteName}'");
        return (byId ?? byName, null);
    }

    /// <summary>Whether a server adapter lets the client adapter in <paramref name="clientSlot"/> of <paramref name="client"/> connect.</summary>
    public static bool Accepts(ConfigSnapshot s, AdapterDefinition server, PartitionRow client, int clientSlot)
    {
        if (!server.AcceptsAnyPartition && ResolveRemote(s, server).Partition?.Id != client.Id) return false;
        return server.AcceptsAnySlot || server.RemoteSlotNumber == clientSlot;
    }

    /// <summary>Client adapters in other partitions' current configurations that point at (server, slot) and are accepted, in partition-id order.</summary>
    public static IEnumerable<(PartitionRow Owner, AdapterRow Adapter)> Claimants(ConfigSnapshot s, PartitionRow server, AdapterDefinition serverAdapter)
    {
        foreach (var p in s.Partitions)
        {
            if (p.Id == server.Id) continue;
            foreach (var a in s.AdaptersOf(s.Effective(p)).OrderBy(a => a.Definition.Slot))
            {
                var d = a.Definition;
                if (d.Kind == AdapterKind.Client && d.RemoteSlotNumber == serverAdapter.Slot
                    && ResolveRemote(s, d).Partition?.Id == server.Id && Accepts(s, serverAdapter, p, d.Slot))
                    yield return (p, a);
            }
        }
    }

    public static PairingResult Evaluate(ConfigSnapshot s, PartitionRow owner, AdapterRow adapter) =>
        adapter.Definition.Kind == AdapterKind.Client ? EvaluateClient(s, owner, adapter) : EvaluateServer(s, owner, adapter);

    private static PairingResult EvaluateClient(ConfigSnapshot s, PartitionRow owner, AdapterRow client)
    {
        var d = client.Definition;
        var (remote, problem) = ResolveRemote(s, d);
        if (remote is null)
            return new(PairingStatus.Unpaired, null, null, $"its server partition cannot be found: {problem}", "RemotePartitionNotFound");
        if (!remote.CanServe)
            return new(PairingStatus.Refused, remote, null, $"partition '{remote.Name}' is of type {remote.Type} and cannot have server adapters", "RemotePartitionNotServer");
        var server = s.AdapterAt(s.Effective(remote), d.RemoteSlotNumber ?? -1);
        if (server is null)
            return new(PairingStatus.Unpaired, remote, null, $"partition '{remote.Name}' has no adapter in slot {d.RemoteSlot} yet", "Unpaired");
        if (server.Definition.Kind != AdapterKind.Server)
            return new(PairingStatus.Refused, remote, server, $"slot {d.RemoteSlot} of '{remote.Name}' holds client adapter {server.Name}, not a server adapter", "PairMismatch");
        if (!Accepts(s, server.Definition, owner, d.Slot))
            return new(PairingStatus.Refused, remote, server, $"server adapter {server.Name} of '{remote.Name}' accepts only {AcceptedText(s, server.Definition)}", "ServerAdapterNotAllowed");
        var first = Claimants(s, remote, server.Definition).FirstOrDefault();
        if (first.Owner is not null && (first.Owner.Id != owner.Id || first.Adapter.Definition.Slot != d.Slot))
            return new(PairingStatus.Refused, remote, server, $"server adapter {server.Name} of '{remote.Name}' already serves '{first.Owner.Name}' ({first.Adapter.Name})", "ServerAdapterInUse");
        return PairingResult.Paired(remote, server);
    }

    private static PairingResult EvaluateServer(ConfigSnapshot s, PartitionRow owner, AdapterRow server)
    {
        var d = server.Definition;
        var first = Claimants(s, owner, d).FirstOrDefault();
        if (first.Owner is not null)
            return PairingResult.Paired(first.Owner, first.Adapter);
        if (d.AcceptsAnyPartition)
            return new(PairingStatus.Unpaired, null, null, "no client adapter points to it", "Unpaired");
        var (client, problem) = ResolveRemote(s, d);
        if (client is null)
            return new(PairingStatus.Unpaired, null, null, $"its client partition cannot be found: {problem}", "RemotePartitionNotFound");
        var candidate = d.RemoteSlotNumber is int slot ? s.AdapterAt(s.Effective(client), slot) : null;
        if (candidate is not null)
            return new(PairingStatus.Refused, client, candidate,
                $"slot {d.RemoteSlot} of '{client.Name}' holds {candidate.Name} ({candidate.Definition}), which does not point back to slot {d.Slot} of '{owner.Name}'", "PairMismatch");
        return new(PairingStatus.Unpaired, client, null, $"'{client.Name}' has no client adapter pointing to it yet", "Unpaired");
    }

    public static string AcceptedText(ConfigSnapshot s, AdapterDefinition server)
    {
        var who = server.AcceptsAnyPartition ? "any partition" : $"partition '{ResolveRemote(s, server).Partition?.Name ?? server.RemoteName}'";
        return server.AcceptsAnySlot ? who : $"{who} slot {server.RemoteSlot}";
    }
}
