using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using VScsi.Engine.Configuration;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Optical;
using VScsi.Engine.Scsi.Tape;
using VScsi.Engine.Transport;
using VScsi.Engine.Transport.InProcess;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Runtime;

/// <summary>A refused runtime request (serving, connecting), with a stable error name like <see cref="ConfigurationError"/>.</summary>
public sealed class ServingException(string error, string message, object? target = null, Exception? inner = null) : Exception(message, inner)
{
    public string Error { get; } = error;
    public object? Target { get; } = target;
}

/// <summary>
/// The partitions this process serves and the client sessions it holds (long-lived things live
/// here, not in cmdlets). Serving a partition opens its mapped disks and builds one SCSI target
/// per server adapter; a lock file keeps a second process from serving the same partition.
/// </summary>
public sealed class ServingRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServedPartition> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IClientSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPEndPoint, PortalUse> _portals = new();
    private readonly object _portalGate = new();

    /// <summary>A portal and the partitions served on it; it closes with the last of them.</summary>
    private sealed class PortalUse(IscsiPortal portal)
    {
        public IscsiPortal Portal { get; } = portal;
        public HashSet<string> Partitions { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Where refused logins and dropped connections are reported (the cmdlets send them to the verbose stream).</summary>
    public Action<string>? IscsiLog { get; set; }

    /// <summary>The portals this process listens on, with their sessions.</summary>
    public IReadOnlyCollection<IscsiPortal> Portals => _portals.Values.Select(p => p.Portal).Distinct().ToList();

    private static string Key(string folder, int partitionId) => $"{Path.GetFullPath(folder)}|{partitionId}";

    /// <summary>
    /// Starts serving a Vios/IbmI partition's server adapters from the configuration in <paramref name="folder"/>.
    /// With <paramref name="claim"/> (see <see cref="ServingClaim"/>) its lock is the one already taken, and
    /// is released if serving fails; without it the lock is taken here.
    /// </summary>
    public ServedPartition Serve(string folder, string partition, IPEndPoint? iscsiPortal = null, ServingClaim? claim = null)
    {
        using var owned = claim;
        using var system = ManagedSystem.Open(folder);
        var p = system.GetPartition(partition);
        if (p.Type == PartitionType.AixLinux)
            throw new ServingException("PartitionCannotServe", $"Partition '{p.Name}' is of type {p.Type} and has no server adapters to serve.", p.Name);
        var key = Key(folder, p.Id);
        if (_served.ContainsKey(key))
            throw new ServingException("PartitionAlreadyServed", $"Partition '{p.Name}' is already served by this process.", p.Name);
        var mappings = system.GetMappings(p.Name);
        var served = ServedPartition.Open(folder, p, mappings, system.GetVirtualDisks(p.Name), claim?.Release());
        if (!_served.TryAdd(key, served))
        {
            served.Dispose();
            throw new ServingException("PartitionAlreadyServed", $"Partition '{p.Name}' is already served by this process.", p.Name);
        }
        try
        {
            served.Control = ControlEndpoint.Start(this, folder, p.Id);
        }
        catch (SocketException e)
        {
            IscsiLog?.Invoke($"No control endpoint for '{p.Name}' ({e.Message}): other processes cannot ask this one for online backups.");
        }
        if (iscsiPortal is not null)
        {
            try
            {
                var portal = AttachPortal(iscsiPortal, key);
                served.Portal = portal;
                served.IscsiTargets = IscsiTargets(system, p, mappings, served).ToList();
                foreach (var entry in served.IscsiTargets) portal.Add(entry);
                system.RecordPortal(p.Name, FormatEndPoint(portal.EndPoint));
            }
            catch (Exception e) when (e is SocketException or ConfigurationException)
            {
                _served.TryRemove(key, out _);
                foreach (var entry in served.IscsiTargets) served.Portal?.Remove(entry.Iqn);
                if (served.Portal is { } attached && DetachPortal(attached.EndPoint, key) is { } unused)
                    unused.DisposeAsync().AsTask().GetAwaiter().GetResult();
                served.Dispose();
                throw e is SocketException s
                    ? new ServingException("IscsiPortalUnavailable", $"Cannot listen for iSCSI on {FormatEndPoint(iscsiPortal)}: {s.Message}", FormatEndPoint(iscsiPortal), s)
                    : e;
            }
        }
        return served;
    }

    public static string FormatEndPoint(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : $"{endPoint.Address}:{endPoint.Port}";

    /// <summary>One iSCSI target per server adapter: the paired client adapter's initiator name may log in (any initiator for an "any" adapter), with its queue depth as the window.</summary>
    private static IEnumerable<IscsiTargetEntry> IscsiTargets(ManagedSystem system, Partition p, IReadOnlyList<AdapterMapping> mappings, ServedPartition served)
    {
        foreach (var m in mappings)
        {
            var server = m.ServerAdapter;
            if (!served.Targets.TryGetValue(server.Definition.Slot, out var target)) continue;
            var initiators = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            if (server.Pairing == PairingStatus.Paired && server.PartnerPartitionName is { } partner
                && system.GetAdapters(partner, AdapterKind.Client).FirstOrDefault(a => a.Name == server.PartnerAdapter) is { } client)
                initiators[client.Iscsi.Name] = client.Iscsi.QueueDepth;
            var (chap, mutual) = system.GetChapSecrets(p.Id, server.Definition.Slot);
            yield return new IscsiTargetEntry(server.Iscsi.Name, target)
            {
                Alias = $"{p.Name}/{server.Name}",
                Initiators = initiators,
                AnyInitiator = server.Definition.AcceptsAnyPartition,
                Chap = chap,
                MutualChap = chap is null ? null : mutual,
            };
        }
    }

    private IscsiPortal AttachPortal(IPEndPoint endPoint, string partitionKey)
    {
        lock (_portalGate)
        {
            var use = _portals.GetValueOrDefault(endPoint);
            if (use is null)
            {
                var portal = IscsiPortal.Start(endPoint);
                portal.Logger = m => IscsiLog?.Invoke(m);
                use = new PortalUse(portal);
                _portals[endPoint] = use;
                if (endPoint.Port == 0) _portals[use.Portal.EndPoint] = use;
            }
            use.Partitions.Add(partitionKey);
            return use.Portal;
        }
    }

    /// <summary>Drops a partition from its portal; returns the portal to dispose when no partition uses it any more.</summary>
    private IscsiPortal? DetachPortal(IPEndPoint endPoint, string partitionKey)
    {
        lock (_portalGate)
        {
            if (!_portals.TryGetValue(endPoint, out var use)) return null;
            use.Partitions.Remove(partitionKey);
            if (use.Partitions.Count > 0) return null;
            foreach (var k in _portals.Where(kv => kv.Value == use).Select(kv => kv.Key).ToList()) _portals.TryRemove(k, out _);
            return use.Portal;
        }
    }

    public ServedPartition? Find(string folder, int partitionId) => _served.GetValueOrDefault(Key(folder, partitionId));

    /// <summary>
    /// Brings a newly mapped device up on a served partition's target (connected clients get
    /// REPORTED LUNS DATA HAS CHANGED and keep their sessions); false when the partition is not served here.
    /// </summary>
    public bool DeviceAdded(string folder, TargetDevice device, IReadOnlyList<VirtualDisk> disks)
    {
        if (Find(folder, device.PartitionId) is not { } served || !served.Add(device, disks)) return false;
        RefreshIscsi(folder, device.PartitionId);   // a first device on a new server adapter makes a new target
        return true;
    }

    /// <summary>
    /// Rebuilds the iSCSI targets of a partition served here over iSCSI from the configuration:
    /// new server adapters appear, and access lists, CHAP secrets and names take effect for the
    /// next logins (sessions already logged in carry on). False when the partition is not served over iSCSI here.
    /// </summary>
    public bool RefreshIscsi(string folder, int partitionId)
    {
        if (Find(folder, partitionId) is not { Portal: { } portal } served) return false;
        using var system = ManagedSystem.Open(folder);
        var p = system.GetPartition(partitionId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var entries = IscsiTargets(system, p, system.GetMappings(p.Name), served).ToList();
        foreach (var gone in served.IscsiTargets.Where(o => entries.All(n => !string.Equals(n.Iqn, o.Iqn, StringComparison.OrdinalIgnoreCase))))
            portal.Remove(gone.Iqn);
        foreach (var entry in entries) portal.Add(entry);
        served.IscsiTargets = entries;
        return true;
    }

    /// <summary>Grows a disk that a partition served here presents (clients get CAPACITY DATA HAS CHANGED); false when none does.</summary>
    public bool TryGrow(string folder, VirtualDisk disk, ulong blocks)
    {
        if (Find(folder, disk.PartitionId) is not { } served) return false;
        var units = served.Targets.Values.SelectMany(t => t.Luns.Select(l => t[l])).OfType<DiskLogicalUnit>()
            .Where(u => u.Identity.Id == disk.UnitId).ToList();
        if (units.Count == 0) return false;
        units[0].Grow(blocks);                      // one store: grows the file
        foreach (var other in units.Skip(1)) other.Attentions.Raise(Scsi.Sense.SenseReason.CapacityDataChanged);
        return true;
    }

    /// <summary>
    /// Loads media into a drive of a partition served here (clients get MEDIUM MAY HAVE CHANGED),
    /// ejecting what it held (Mount-VScsiMedia -Force); false when the partition is not served here, so the change applies when it is next served.
    /// </summary>
    public bool MediaLoaded(string folder, TargetDevice device, VirtualMedia media)
    {
        if (Find(folder, device.PartitionId) is not { } served || served.Drive(device) is not { } drive) return false;
        served.Load(drive, media);
        return true;
    }

    /// <summary>
    /// Ejects a drive of a partition served here. Refused while a client has PREVENT MEDIUM REMOVAL
    /// in effect (SPC-5 6.13, MMC-6 6.16) unless <paramref name="force"/>; false when not served here.
    /// </summary>
    public bool MediaUnloading(string folder, TargetDevice device, bool force)
    {
        if (Find(folder, device.PartitionId) is not { } served || served.Drive(device) is not { } drive) return false;
        if (RemovalPrevented(drive) && !force)
            throw new ServingException("MediumRemovalPrevented", $"A client of {device.Name} prevents medium removal; use -Force to eject anyway.", device.Name);
        served.Eject(drive);
        return true;
    }

    private static bool RemovalPrevented(LogicalUnit drive) => drive is OpticalLogicalUnit { RemovalPrevented: true } or TapeLogicalUnit { RemovalPrevented: true };

    /// <summary>Takes a removed device off a served partition's target; false when the partition is not served here.</summary>
    public bool DeviceRemoved(string folder, TargetDevice device) =>
        Find(folder, device.PartitionId) is { } served && served.Remove(device);

    /// <summary>
    /// How long Stop waits for commands in flight before aborting them. The stop's bounded waits
    /// (sessions: this plus 1 s; the flush: <see cref="FlushTimeout"/>) add up to 5 s, issue 10's
    /// limit for SIGTERM, Ctrl+C and Stop-VScsiPartition.
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long Stop waits for the disks' flush before it closes them anyway.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stops serving: iSCSI sessions to its targets are dropped (their commands aborted) and the
    /// portal closes with its last partition, in-process client sessions take no new commands and
    /// those in flight finish (up to <see cref="DrainTimeout"/>), then the disks are flushed and
    /// closed and the lock and control socket released. Whatever happened before (a hostile PDU, a
    /// command stuck in a store), every step runs in its own try: a fault is logged to
    /// <see cref="IscsiLog"/> and the next step still runs, so Stop always completes.
    /// </summary>
    public async Task StopAsync(string folder, int partitionId)
    {
        var key = Key(folder, partitionId);
        if (!_served.TryRemove(key, out var served)) return;
        var name = served.Name;
        var portal = Step(name, "closing its iSCSI portal", () => StopPortalAsync(folder, partitionId, key, served));
        var closing = _sessions.Where(s => s.Value is ClientSession c && served.Targets.Values.Contains(c.Target)).ToList();
        foreach (var entry in closing) _sessions.TryRemove(entry.Key, out _);
        var sessions = Step(name, "draining its client sessions", () => Task.WhenAll(closing.Select(s => ((ClientSession)s.Value).DrainAsync(DrainTimeout))));
        await Bounded(name, "stopping its sessions", Task.WhenAll(portal, sessions), DrainTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        await Bounded(name, "flushing its disks", Step(name, "flushing its disks", served.FlushAsync), FlushTimeout).ConfigureAwait(false);
        try
        {
            served.Dispose();
        }
        catch (Exception e)
        {
            Log($"Stopping '{name}': closing its disks, lock and control socket failed: {e.Message}");
        }
    }

    private async Task StopPortalAsync(string folder, int partitionId, string key, ServedPartition served)
    {
        if (served.Portal is not { } portal) return;
        foreach (var entry in served.IscsiTargets) portal.Remove(entry.Iqn);
        if (DetachPortal(portal.EndPoint, key) is { } unused) await unused.DisposeAsync().ConfigureAwait(false);
        try
        {
            using var system = ManagedSystem.Open(folder);
            system.ClearPortal(partitionId);
        }
        catch (ConfigurationException)
        {
            // The record names this process; a reader that finds it stale treats it as absent.
        }
    }

    /// <summary>Runs one step of a stop; a fault is logged and ends only that step.</summary>
    private async Task Step(string partition, string what, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log($"Stopping '{partition}': {what} failed: {e.Message}");
        }
    }

    /// <summary>Waits for a step up to <paramref name="limit"/>; one that takes longer is logged and left behind.</summary>
    private async Task Bounded(string partition, string what, Task step, TimeSpan limit)
    {
        try
        {
            await step.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log($"Stopping '{partition}': {what} took longer than {limit.TotalSeconds:0.#} s; carrying on without it");
        }
    }

    private void Log(string message)
    {
        try
        {
            IscsiLog?.Invoke(message);
        }
        catch (Exception)
        {
            // A failing logger must not stop a stop.
        }
    }

    /// <summary>The ids of the partitions of the system in <paramref name="folder"/> that this process serves.</summary>
    public IReadOnlyList<int> ServedFrom(string folder)
    {
        var prefix = Path.GetFullPath(folder) + "|";
        return _served.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => int.Parse(k.AsSpan(prefix.Length), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
    }

    /// <summary>Stops everything this process runs from the system in <paramref name="folder"/>: its client sessions, then its served partitions.</summary>
    public async Task StopSystemAsync(string folder)
    {
        var prefix = Path.GetFullPath(folder) + "|";
        foreach (var entry in _sessions.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            if (_sessions.TryRemove(entry.Key, out var session)) await session.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var id in ServedFrom(folder))
            await StopAsync(folder, id).ConfigureAwait(false);
    }

    /// <summary>Opens a session from a client adapter to the server adapter it is paired with, which must be served here.</summary>
    public ClientSession Connect(string folder, VirtualScsiAdapter client, int queueDepth)
    {
        if (client.Pairing != PairingStatus.Paired || client.PartnerPartitionId is not int serverId)
            throw new ServingException("ClientAdapterUnpaired", $"Client adapter {client.Name} of '{client.PartitionName}' is not paired: {client.PairingProblem}.", client.Name);
        var served = Find(folder, serverId)
            ?? throw new ServingException("ServerPartitionNotServing", $"Partition '{client.PartnerPartitionName}' is not served by this process. Start it with Start-VScsiPartition first.", client.PartnerPartitionName);
        var slot = client.Definition.RemoteSlotNumber!.Value;
        if (!served.Targets.TryGetValue(slot, out var target))
            throw new ServingException("ServerAdapterNotServing", $"Server adapter in slot {slot} of '{client.PartnerPartitionName}' is not up; restart the partition to bring it up.", slot);
        var nexus = $"{client.PartitionName}/{client.Name}";
        var key = $"{Path.GetFullPath(folder)}|{nexus}";
        var session = new ClientSession(target, nexus, queueDepth);
        if (!_sessions.TryAdd(key, session))
            throw new ServingException("ClientAdapterInUse", $"Client adapter {client.Name} of '{client.PartitionName}' already has a session. Disconnect it first.", client.Name);
        return session;
    }

    /// <summary>
    /// Opens a session from a client adapter to its server adapter when another process serves the
    /// server partition: over iSCSI to the portal that process recorded, logging in as the client
    /// adapter's initiator name (with its CHAP secrets) to the server adapter's target.
    /// </summary>
    public async Task<IClientSession> ConnectIscsiAsync(string folder, VirtualScsiAdapter client, int? queueDepth, CancellationToken cancellationToken = default)
    {
        if (client.Pairing != PairingStatus.Paired || client.PartnerPartitionId is not int serverId)
            throw new ServingException("ClientAdapterUnpaired", $"Client adapter {client.Name} of '{client.PartitionName}' is not paired: {client.PairingProblem}.", client.Name);
        IscsiClientOptions options;
        using (var system = ManagedSystem.Open(folder))
        {
            var portal = system.GetPortal(serverId)
                ?? throw new ServingException("ServerPartitionNotServing", $"Partition '{client.PartnerPartitionName}' is not served by this process or over iSCSI by another. Start it with Start-VScsiPartition (with -IscsiPortal to reach it from other processes).", client.PartnerPartitionName);
            var server = system.GetAdapters(client.PartnerPartitionName, AdapterKind.Server).First(a => a.Name == client.PartnerAdapter);
            var (chap, mutual) = system.GetChapSecrets(client.PartitionId, client.Definition.Slot);
            var endPoint = IPEndPoint.Parse(portal.EndPoint);
            var host = endPoint.Address.ToString();
            if (endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any))   // listening on every address
                host = string.Equals(portal.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : portal.Host;
            options = new IscsiClientOptions(host, endPoint.Port, server.Iscsi.Name, client.Iscsi.Name)
            {
                QueueDepth = queueDepth ?? client.Iscsi.QueueDepth,
                Chap = chap,
                MutualChap = mutual,
            };
        }
        var key = $"{Path.GetFullPath(folder)}|{client.PartitionName}/{client.Name}";
        if (_sessions.ContainsKey(key))
            throw new ServingException("ClientAdapterInUse", $"Client adapter {client.Name} of '{client.PartitionName}' already has a session. Disconnect it first.", client.Name);
        IscsiClient session;
        try
        {
            session = await IscsiClient.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (IscsiLoginException e)
        {
            throw new ServingException("IscsiLoginRefused", $"{options.TargetName} refused client adapter {client.Name} of '{client.PartitionName}': {LoginStatus.Describe(e.Status)}.", client.Name, e);
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            throw new ServingException("IscsiPortalUnreachable", $"Cannot log in to {options.TargetName} at {options.Host}:{options.Port}: {e.Message}", client.Name, e);
        }
        if (!_sessions.TryAdd(key, session))
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw new ServingException("ClientAdapterInUse", $"Client adapter {client.Name} of '{client.PartitionName}' already has a session. Disconnect it first.", client.Name);
        }
        return session;
    }

    /// <summary>Keeps a session opened without the configuration (Connect-VScsiClient -Portal) so it is listed and closed with the others.</summary>
    public void Track(IClientSession session) => _sessions[$"direct|{session.Nexus}|{session.Transport}"] = session;

    public IReadOnlyCollection<IClientSession> Sessions => _sessions.Values.ToList();

    public async Task DisconnectAsync(IClientSession session)
    {
        foreach (var entry in _sessions.Where(s => s.Value == session).ToList())
            _sessions.TryRemove(entry.Key, out _);
        await session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes every session and stops every partition served here; a fault in one is logged and the others still close.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            try
            {
                await session.DisposeAsync().AsTask().WaitAsync(DrainTimeout).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log($"Closing session {session.Nexus} failed: {e.Message}");
            }
        }
        _sessions.Clear();
        foreach (var key in _served.Keys.ToList())
        {
            var parts = key.Split('|');
            await StopAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }
    }
}
