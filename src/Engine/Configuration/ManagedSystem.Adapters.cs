using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

/// <summary>
/// A new adapter as a cmdlet describes it. A null remote partition on a server adapter means
/// "any client partition"; a null remote slot on a server adapter means "any slot".
/// </summary>
public sealed record AdapterRequest(AdapterKind Kind, int Slot, string? RemotePartition, int? RemoteSlot, bool Required = false, string? Name = null);

public sealed partial class ManagedSystem
{
    /// <summary>
    /// Adapters of the current configuration (running, else default profile) of one or every
    /// partition, or of a named profile.
    /// </summary>
    public IReadOnlyList<VirtualScsiAdapter> GetAdapters(string? partition = null, AdapterKind? kind = null, string? profile = null) => Read(s =>
    {
        IEnumerable<ConfigRow> configs;
        if (profile is not null)
        {
            if (partition is null)
                configs = s.Configs.Where(c => !c.Running && string.Equals(c.Name, profile, StringComparison.OrdinalIgnoreCase));
            else
                configs = [s.RequireProfile(s.RequirePartition(partition), profile)];
        }
        else
        {
            var owners = partition is null ? s.Partitions : [s.RequirePartition(partition)];
            configs = owners.Select(s.Effective);
        }
        return configs
            .SelectMany(c => s.AdaptersOf(c).OrderBy(a => a.Definition.Slot))
            .Where(a => kind is null || a.Definition.Kind == kind)
            .Select(a => ToAdapter(s, a))
            .ToList();
    });

    /// <summary>
    /// Adds an adapter. To a named profile; else, on a running partition, to the running
    /// configuration (dynamic add), and with <paramref name="saveToProfile"/> to its profile too;
    /// else to the default profile.
    /// </summary>
    public VirtualScsiAdapter AddAdapter(string partition, AdapterRequest request, string? profile = null, bool saveToProfile = false) =>
        Write((c, s) =>
        {
            var p = s.RequirePartition(partition);
            var definition = ToDefinition(s, request);
            var (primary, alsoProfile) = Targets(s, p, profile, saveToProfile);
            var added = AddToConfig(c, s, p, primary, definition, request.Name, []);
            if (alsoProfile is not null)
            {
                var name = s.AdaptersOf(alsoProfile).Any(a => string.Equals(a.Name, added.Name, StringComparison.OrdinalIgnoreCase)) ? null : added.Name;
                AddToConfig(c, s, p, alsoProfile, definition, name, []);
            }
            return ToAdapter(s, added);
        });

    /// <summary>
    /// Removes an adapter by name or slot from the same configuration <see cref="AddAdapter"/> would
    /// use. A required adapter cannot be removed from a running partition unless <paramref name="force"/>.
    /// </summary>
    public VirtualScsiAdapter RemoveAdapter(string partition, AdapterKind kind, string? name, int? slot, string? profile = null, bool saveToProfile = false, bool force = false) =>
        Write((c, s) =>
        {
            var p = s.RequirePartition(partition);
            var (primary, alsoProfile) = Targets(s, p, profile, saveToProfile);
            var adapter = s.AdaptersOf(primary).FirstOrDefault(a => a.Definition.Kind == kind
                    && (name is null || string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
                    && (slot is null || a.Definition.Slot == slot))
                ?? throw new ConfigurationException(ConfigurationError.AdapterNotFound,
                    $"Partition '{p.Name}' has no {kind.ToString().ToLowerInvariant()} adapter {(name is null ? $"in slot {slot}" : $"'{name}'")} in {(primary.Running ? "its running configuration" : $"profile '{primary.Name}'")}.",
                    name ?? slot?.ToString(CultureInfo.InvariantCulture));
            if (primary.Running && adapter.Definition.Required && !force)
                throw new ConfigurationException(ConfigurationError.RequiredAdapterRemoval,
                    $"{adapter.Name} (slot {adapter.Definition.Slot}) is required by running partition '{p.Name}'. Use -Force to remove it dynamically anyway.", adapter.Name);
            var removed = ToAdapter(s, adapter);
            Exec(c, "DELETE FROM adapter WHERE id = $id", ("$id", adapter.Id));
            s.Adapters.Remove(adapter);
            if (alsoProfile is not null && s.AdapterAt(alsoProfile, adapter.Definition.Slot) is { } saved && saved.Definition.Kind == kind)
                Exec(c, "DELETE FROM adapter WHERE id = $id", ("$id", saved.Id));
            return removed;
        });

    private static (ConfigRow Primary, ConfigRow? AlsoProfile) Targets(ConfigSnapshot s, PartitionRow p, string? profile, bool saveToProfile)
    {
        if (profile is not null) return (s.RequireProfile(p, profile), null);
        if (s.Running(p.Id) is { } running)
            return (running, saveToProfile ? s.RequireProfile(p, running.Name) : null);
        return (s.Effective(p), null);
    }

    private static AdapterDefinition ToDefinition(ConfigSnapshot s, AdapterRequest r)
    {
        string remoteId = AdapterDefinition.Any, remoteName = "";
        if (r.RemotePartition is not null)
        {
            var remote = s.RequirePartition(r.RemotePartition);
            remoteId = remote.Id.ToString(CultureInfo.InvariantCulture);
            remoteName = remote.Name;
        }
        else if (r.Kind == AdapterKind.Client)
        {
            throw new ConfigurationException(ConfigurationError.RemoteRequired, "A client adapter needs -RemotePartition: the server partition it connects to.", r);
        }
        if (r.RemoteSlot is null && r.Kind == AdapterKind.Client)
            throw new ConfigurationException(ConfigurationError.RemoteRequired, "A client adapter needs -RemoteSlot: the slot of the server adapter it connects to.", r);
        var remoteSlot = r.RemoteSlot?.ToString(CultureInfo.InvariantCulture) ?? AdapterDefinition.Any;
        return new AdapterDefinition(r.Slot, r.Kind, remoteId, remoteName, remoteSlot, r.Required);
    }

    /// <summary>Checks every adapter rule against the configuration and inserts the adapter.</summary>
    private static AdapterRow AddToConfig(SqliteConnection c, ConfigSnapshot s, PartitionRow p, ConfigRow config, AdapterDefinition d, string? name, IReadOnlyCollection<string> reservedNames)
    {
        var where = config.Running ? "the running configuration" : $"profile '{config.Name}'";
        if (d.Kind == AdapterKind.Server && !p.CanServe)
            throw new ConfigurationException(ConfigurationError.ServerAdapterRequiresServerPartition,
                $"Partition '{p.Name}' is of type {p.Type}; virtual SCSI server adapters can be created only in Vios and IbmI partitions.", p.Name);
        CheckSlot(d.Slot, config.MaxVirtualSlots);
        if (s.AdapterAt(config, d.Slot) is { } holder)
            throw new ConfigurationException(ConfigurationError.SlotInUse, $"Slot {d.Slot} of '{p.Name}' already holds {holder.Name} in {where}. Choose a free slot.", d.Slot);
        if (d.RemoteSlotNumber is int rs && rs < FirstUserSlot)
            throw new ConfigurationException(ConfigurationError.SlotReserved, $"Remote slot {rs} is reserved for the virtual serial adapters; adapters use slots {FirstUserSlot} and up.", rs);
        CheckRemote(s, p, d);

        if (name is not null)
        {
            if (!Names.IsValidAdapterName(name))
                throw new ConfigurationException(ConfigurationError.AdapterNameInvalid, $"'{name}' is not a valid adapter name: use letters, digits, '-', '_' or '.'.", name);
            if (s.AdaptersOf(config).Any(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new ConfigurationException(ConfigurationError.AdapterNameInUse, $"'{p.Name}' already has an adapter named '{name}' in {where}.", name);
        }
        name ??= NextName(s, config, d.Kind, reservedNames);
        return InsertAdapter(c, s, config.Id, name, d);
    }

    private static void CheckSlot(int slot, int maxSlots)
    {
        if (slot is >= 0 and < FirstUserSlot)
            throw new ConfigurationException(ConfigurationError.SlotReserved,
                $"Slots 0 and 1 hold the virtual serial adapters; use a slot from {FirstUserSlot} to {maxSlots - 1}.", slot);
        if (slot < 0 || slot >= maxSlots)
            throw new ConfigurationException(ConfigurationError.SlotOutOfRange,
                $"Slot {slot} is outside {FirstUserSlot}..{maxSlots - 1} (max virtual slots is {maxSlots}). Choose a lower slot or raise max virtual slots.", slot);
    }

    private static void CheckRemote(ConfigSnapshot s, PartitionRow p, AdapterDefinition d)
    {
        if (d.AcceptsAnyPartition) return;
        var (remote, problem) = Pairing.ResolveRemote(s, d);
        if (remote is null)
            throw new ConfigurationException(
                d.RemoteIdNumber is not null && d.RemoteName.Length > 0 && problem!.StartsWith("remote id", StringComparison.Ordinal)
                    ? ConfigurationError.RemotePartitionMismatch : ConfigurationError.PartitionNotFound,
                $"The remote partition of adapter '{d}' is wrong: {problem}.", d.ToString());
        if (remote.Id == p.Id)
            throw new ConfigurationException(ConfigurationError.SelfPairing, $"Adapter '{d}' of '{p.Name}' points at its own partition; a partition cannot pair with itself.", d.ToString());
        if (d.Kind == AdapterKind.Server) return;

        if (!remote.CanServe)
            throw new ConfigurationException(ConfigurationError.RemotePartitionNotServer,
                $"'{remote.Name}' is of type {remote.Type}; a client adapter must connect to a Vios or IbmI partition.", remote.Name);
        var server = s.AdapterAt(s.Effective(remote), d.RemoteSlotNumber!.Value);
        if (server is null) return; // the server adapter may be created later; the client shows as unpaired
        if (server.Definition.Kind != AdapterKind.Server)
            throw new ConfigurationException(ConfigurationError.RemoteAdapterNotServer,
                $"Slot {d.RemoteSlot} of '{remote.Name}' holds client adapter {server.Name}; a client must point at a server adapter.", d.ToString());
        if (!Pairing.Accepts(s, server.Definition, p, d.Slot))
            throw new ConfigurationException(ConfigurationError.ServerAdapterNotAllowed,
                $"Server adapter {server.Name} (slot {server.Definition.Slot}) of '{remote.Name}' accepts only {Pairing.AcceptedText(s, server.Definition)}, not '{p.Name}' slot {d.Slot}.", d.ToString());
        // The same adapter in another configuration of this partition (profile vs running) is not another client.
        var other = Pairing.Claimants(s, remote, server.Definition).FirstOrDefault(x => x.Owner.Id != p.Id || x.Adapter.Definition.Slot != d.Slot);
        if (other.Owner is not null)
            throw new ConfigurationException(ConfigurationError.ServerAdapterInUse,
                $"Server adapter {server.Name} of '{remote.Name}' already serves '{other.Owner.Name}' ({other.Adapter.Name}); a server adapter pairs with one client. Create another server adapter.", d.ToString());
    }

    private static string NextName(ConfigSnapshot s, ConfigRow config, AdapterKind kind, IReadOnlyCollection<string> reserved)
    {
        var prefix = Names.AdapterPrefix(kind);
        var used = s.AdaptersOf(config).Select(a => a.Name).Concat(reserved).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; ; i++)
        {
            var candidate = prefix + i.ToString(CultureInfo.InvariantCulture);
            if (!used.Contains(candidate)) return candidate;
        }
    }

    private static VirtualScsiAdapter ToAdapter(ConfigSnapshot s, AdapterRow a)
    {
        var config = s.Configs.Find(x => x.Id == a.ConfigId)!;
        var owner = s.Owner(config);
        var r = Pairing.Evaluate(s, owner, a);
        return new VirtualScsiAdapter(owner.Id, owner.Name, a.Name, a.Definition, config.Running ? null : config.Name, config.Running,
            $"{s.System.LocationPrefix}-V{owner.Id}-C{a.Definition.Slot}", r.Status, r.Partner?.Id, r.Partner?.Name, r.PartnerAdapter?.Name, r.Problem)
        {
            Iscsi = IscsiSettingsOf(s, owner, a),
        };
    }
}
