using System.Collections.Concurrent;
using VScsi.Engine.Backup;
using VScsi.Engine.Configuration;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Optical;
using VScsi.Engine.Scsi.Tape;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Runtime;

/// <summary>One served partition: a SCSI target per server adapter slot, over its opened disks, and the serving lock.</summary>
public sealed class ServedPartition : IDisposable
{
    /// <summary>Open disk stores by image path, with how many units use each (a shareable disk mapped twice shares one store and one tracker).</summary>
    private readonly Dictionary<string, (TrackedBlockStore Store, int Users)> _stores;
    private readonly object _gate = new();
    private readonly ServingLock _lock;

    private readonly ConcurrentDictionary<int, ScsiTarget> _targets;

    private readonly string _folder;

    private ServedPartition(string folder, string name, ConcurrentDictionary<int, ScsiTarget> targets, Dictionary<string, (TrackedBlockStore, int)> stores, ServingLock serveLock)
    {
        _folder = folder;
        Name = name;
        _targets = targets;
        _stores = stores;
        _lock = serveLock;
    }

    public string Name { get; }

    /// <summary>Where other processes ask this one for online backups (null when the platform has no Unix sockets).</summary>
    public ControlEndpoint? Control { get; internal set; }

    /// <summary>The portal its server adapters are reachable on over iSCSI, if any.</summary>
    public IscsiPortal? Portal { get; internal set; }

    public IReadOnlyList<IscsiTargetEntry> IscsiTargets { get; internal set; } = [];

    /// <summary>Targets by server adapter slot.</summary>
    public IReadOnlyDictionary<int, ScsiTarget> Targets => _targets;

    /// <summary>Opens the partition's units; <paramref name="claimed"/> is its serving lock if already taken (Start-VScsiPartition claims first), else it is taken here.</summary>
    internal static ServedPartition Open(string folder, Partition p, IReadOnlyList<AdapterMapping> mappings, IReadOnlyList<VirtualDisk> disks, ServingLock? claimed = null)
    {
        var serveLock = claimed ?? ServingLock.TryAcquire(folder, p.Id)
            ?? throw new ServingException("PartitionServedElsewhere", $"Partition '{p.Name}' is served by another process (lock {ServingLock.PathOf(folder, p.Id)}).", p.Name);
        var served = new ServedPartition(folder, p.Name, new ConcurrentDictionary<int, ScsiTarget>(), new(StringComparer.Ordinal), serveLock);
        try
        {
            foreach (var m in mappings)
            {
                var target = new ScsiTarget();
                foreach (var device in m.Devices)
                    target.TryAdd(device.Lun, served.OpenUnit(device, disks));
                served._targets[m.ServerAdapter.Definition.Slot] = target;
            }
            return served;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            served.Dispose();
            throw new ServingException("VirtualDiskUnavailable", $"A device of partition '{p.Name}' cannot be opened: {e.Message}", p.Name, e);
        }
    }

    /// <summary>Opens the logical unit a target device presents: a disk over its image, or a drive with its loaded media.</summary>
    private LogicalUnit OpenUnit(TargetDevice device, IReadOnlyList<VirtualDisk> disks)
    {
        var serial = device.UnitId.ToString("N")[..16].ToUpperInvariant();
        switch (device.Kind)
        {
            case TargetDeviceKind.Optical:
                var drive = new OpticalLogicalUnit(new LogicalUnitIdentity("VSCSI", "VOPTICAL", "0001", serial, device.UnitId)) { Ejected = () => ForgetMedia(device) };
                if (device.Media is { } disc) drive.Load(OpenOptical(disc));
                return drive;
            case TargetDeviceKind.Tape:
                var tape = new TapeLogicalUnit(new LogicalUnitIdentity("VSCSI", "VTAPE", "0001", serial, device.UnitId));
                if (device.Media is { } cartridge) tape.Load(OpenCartridge(cartridge));
                return tape;
            default:
                var disk = disks.Single(d => d.Name == device.BackingDevice);
                var store = OpenStore(disk);
                var identity = new LogicalUnitIdentity("VSCSI", "VDISK", "0001", disk.Serial, disk.UnitId);
                return new DiskLogicalUnit(identity, store, new FilePersistentReservationStore(disk.Path + ".pr.json"));
        }
    }

    /// <summary>The disk's store, tracking changed blocks for incremental backups (its .cbt file), opened once per image.</summary>
    private TrackedBlockStore OpenStore(VirtualDisk disk)
    {
        if (_stores.TryGetValue(disk.Path, out var open))
        {
            _stores[disk.Path] = (open.Store, open.Users + 1);
            return open.Store;
        }
        var inner = FileBlockStore.Open(disk.Path, disk.BlockSize);
        TrackedBlockStore store;
        try
        {
            store = TrackedBlockStore.Open(inner);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
        _stores[disk.Path] = (store, 1);
        return store;
    }

    /// <summary>The tracked stores of the disks this partition serves, by image path (what an online backup snapshots).</summary>
    internal IReadOnlyDictionary<string, TrackedBlockStore> DiskStores
    {
        get { lock (_gate) return _stores.ToDictionary(kv => kv.Key, kv => kv.Value.Store); }
    }

    /// <summary>A client ejected the disc (START STOP UNIT): the configuration forgets the load, as unloadopt would.</summary>
    private void ForgetMedia(TargetDevice device)
    {
        try
        {
            using var system = ManagedSystem.Open(_folder);
            system.UnloadMedia(device.PartitionId.ToString(System.Globalization.CultureInfo.InvariantCulture), device.Name);
        }
        catch (ConfigurationException)
        {
            // Already unloaded, or the database is busy: the drive is empty either way, and Mount-/Dismount-VScsiMedia set the record right.
        }
    }

    private static OpticalMedia OpenOptical(VirtualMedia media) => OpticalMedia.Open(media.Path, rewritable: !media.ReadOnly);

    private static TapeImage OpenCartridge(VirtualMedia media) => TapeImage.Open(media.Path, media.CapacityBytes ?? media.SizeBytes, media.ReadOnly);

    internal bool Add(TargetDevice device, IReadOnlyList<VirtualDisk> disks)
    {
        lock (_gate)
        {
            var target = _targets.GetOrAdd(device.ServerSlot, _ => new ScsiTarget());
            return target.TryAdd(device.Lun, OpenUnit(device, disks));
        }
    }

    internal bool Remove(TargetDevice device)
    {
        lock (_gate)
        {
            if (!Targets.TryGetValue(device.ServerSlot, out var target) || target[device.Lun] is not { } unit) return false;
            target.TryRemove(device.Lun);
            Close(unit);
            return true;
        }
    }

    /// <summary>The drive a target device presents here, or null.</summary>
    internal LogicalUnit? Drive(TargetDevice device) =>
        Targets.TryGetValue(device.ServerSlot, out var target) && target[device.Lun] is { } unit and (OpticalLogicalUnit or TapeLogicalUnit) ? unit : null;

    /// <summary>Loads media into a served drive (VIOS loadopt), ejecting what it held; clients learn MEDIUM MAY HAVE CHANGED.</summary>
    internal void Load(LogicalUnit drive, VirtualMedia media)
    {
        lock (_gate)
        {
            Eject(drive);
            if (drive is OpticalLogicalUnit optical) optical.Load(OpenOptical(media));
            else ((TapeLogicalUnit)drive).Load(OpenCartridge(media));
        }
    }

    /// <summary>Ejects a served drive's media and closes it.</summary>
    internal void Eject(LogicalUnit drive)
    {
        lock (_gate)
        {
            if (drive is OpticalLogicalUnit { Media: not null } optical) optical.Unload()?.Dispose();
            else if (drive is TapeLogicalUnit { Cartridge: not null } tape) tape.Unload()?.Dispose();
        }
    }

    private void Close(LogicalUnit unit)
    {
        if (unit is not DiskLogicalUnit disk) Eject(unit);
        else if (_stores.FirstOrDefault(kv => kv.Value.Store == disk.Store) is { Key: { } path, Value: var (store, users) })
        {
            if (users > 1) _stores[path] = (store, users - 1);
            else
            {
                _stores.Remove(path);
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    public async Task FlushAsync()
    {
        foreach (var (store, _) in _stores.Values) await store.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the control socket, the drives' media and the disks, then releases the lock. Each
    /// step runs whatever the one before did (the first fault is rethrown at the end), so the lock
    /// and the socket never outlive a failed close.
    /// </summary>
    public void Dispose()
    {
        var faults = new List<Exception>();
        void Run(Action step)
        {
            try
            {
                step();
            }
            catch (Exception e)
            {
                faults.Add(e);
            }
        }
        Run(() => Control?.DisposeAsync().AsTask().GetAwaiter().GetResult());
        foreach (var t in Targets.Values) Run(t.Reset);
        foreach (var unit in Targets.Values.SelectMany(t => t.Luns.Select(l => t[l])).OfType<LogicalUnit>()) Run(() => Eject(unit));
        foreach (var (store, _) in _stores.Values) Run(() => store.DisposeAsync().AsTask().GetAwaiter().GetResult());   // last: the trackers record a clean close
        Run(_lock.Dispose);   // the lock file stays: see ServingLock
        if (faults.Count > 0) throw new AggregateException("Closing the served partition failed.", faults);
    }
}
