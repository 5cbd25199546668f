using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

/// <summary>Options for opening a managed system.</summary>
public sealed record ManagedSystemOptions
{
    /// <summary>How long to wait for another process's write transaction before failing with DatabaseLocked.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// One managed system: partitions, their profiles and virtual SCSI adapters, stored in one SQLite
/// file. Every rule is enforced here; each call is one transaction, so a refused request changes
/// nothing. Open one per operation and dispose it (the file is not held open between operations).
/// </summary>
public sealed partial class ManagedSystem : IDisposable
{
    /// <summary>Max virtual slots of a new partition when none is given (HMC's own default is 10; VIOS builds use far more).</summary>
    public const int DefaultMaxVirtualSlots = 64;
    /// <summary>Slots 0 and 1 hold the virtual serial adapters, so a profile needs room for at least one more.</summary>
    public const int MinMaxVirtualSlots = 3;
    public const int MaxMaxVirtualSlots = 1024;
    public const int FirstUserSlot = 2;
    public const int MaxPartitionId = 1000;
    public const string DefaultProfileName = "default_profile";
    public const string HomeVariable = "VSCSI_HOME";

    private readonly SystemDatabase _db;

    private ManagedSystem(SystemDatabase db) => _db = db;

    /// <summary>
    /// Opens (creating if needed) the managed system stored in <paramref name="folder"/>. Callers that
    /// must not create one check first with <see cref="RequireSystem"/> or use <see cref="OpenExisting"/>.
    /// </summary>
    public static ManagedSystem Open(string folder, ManagedSystemOptions? options = null) =>
        Open(folder, options ?? new ManagedSystemOptions(), Schema.Migrations);

    internal static ManagedSystem Open(string folder, ManagedSystemOptions options, IReadOnlyList<string> migrations) =>
        new(OpenDatabase(Path.GetFullPath(folder), options.BusyTimeout, migrations));

    /// <summary>The folder to use: the explicit path, else $VSCSI_HOME, else a per-user folder.</summary>
    public static string ResolveFolder(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return Path.GetFullPath(explicitPath);
        var home = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home)) return Path.GetFullPath(home);
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(data, "VScsi");
    }

    public string DatabasePath => _db.Path;

    public SystemInfo GetSystem() => Read(s => s.System);

    public IReadOnlyList<Partition> GetPartitions() => Read(s => s.Partitions.Select(p => ToPartition(s, p)).ToList());

    public Partition GetPartition(string nameOrId) => Read(s => ToPartition(s, s.RequirePartition(nameOrId)));

    public Partition CreatePartition(string name, PartitionType type, int? id = null, int? maxVirtualSlots = null, string? profileName = null) =>
        Write((c, s) =>
        {
            RequireValidName(name, ConfigurationError.PartitionNameInvalid, "partition");
            if (s.Partitions.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new ConfigurationException(ConfigurationError.PartitionNameInUse, $"A partition named '{name}' already exists. Choose another name.", name);
            var newId = id ?? Enumerable.Range(1, MaxPartitionId).First(i => s.FindPartition(i) is null);
            if (newId is < 1 or > MaxPartitionId)
                throw new ConfigurationException(ConfigurationError.PartitionIdInvalid, $"Partition id {newId} is outside 1..{MaxPartitionId}.", newId);
            if (s.FindPartition(newId) is { } holder)
                throw new ConfigurationException(ConfigurationError.PartitionIdInUse, $"Partition id {newId} is already used by '{holder.Name}'. Omit -Id to take the lowest free id.", newId);
            var profile = profileName ?? DefaultProfileName;
            RequireValidName(profile, ConfigurationError.ProfileNameInvalid, "profile");
            var slots = CheckMaxSlots(maxVirtualSlots ?? DefaultMaxVirtualSlots);
            Exec(c, "INSERT INTO partition (id, name, type, default_profile) VALUES ($id, $name, $type, $profile)",
                ("$id", newId), ("$name", name), ("$type", type.ToString()), ("$profile", profile));
            InsertConfig(c, s, newId, profile, running: false, slots);
            s.Partitions.Add(new PartitionRow(newId, name, type, profile));
            return ToPartition(s, s.Partitions[^1]);
        });

    /// <summary>Renames a partition, changes its default profile, or (only while not running) its max virtual slots.</summary>
    public Partition UpdatePartition(string nameOrId, string? newName = null, int? maxVirtualSlots = null, string? defaultProfile = null) =>
        Write((c, s) =>
        {
            var p = s.RequirePartition(nameOrId);
            if (defaultProfile is not null)
            {
                var profile = s.RequireProfile(p, defaultProfile);
                Exec(c, "UPDATE partition SET default_profile = $v WHERE id = $id", ("$v", profile.Name), ("$id", p.Id));
                p = Replace(s, p, p with { DefaultProfile = profile.Name });
            }
            if (maxVirtualSlots is int slots)
            {
                if (s.Running(p.Id) is not null)
                    throw new ConfigurationException(ConfigurationError.PartitionRunning,
                        $"Max virtual slots of '{p.Name}' cannot change while it runs. Stop it first, or change a profile with Set-VScsiPartitionProfile -MaxVirtualSlots.", p.Name);
                SetMaxSlots(c, s, p, s.Effective(p), slots);
            }
            if (newName is not null && !string.Equals(newName, p.Name, StringComparison.Ordinal))
                p = Rename(c, s, p, newName);
            return ToPartition(s, p);
        });

    /// <summary>
    /// Removes a partition. Adapters of other partitions that point at it, and virtual disks it
    /// owns, are refused unless <paramref name="force"/>, which removes those definitions too (disk
    /// files are kept). Returns what was removed besides the partition.
    /// </summary>
    public IReadOnlyList<string> RemovePartition(string nameOrId, bool force) => Write((c, s) =>
    {
        var p = s.RequirePartition(nameOrId);
        if (s.Running(p.Id) is not null)
            throw new ConfigurationException(ConfigurationError.PartitionRunning, $"Partition '{p.Name}' is running. Stop it with Stop-VScsiPartition first.", p.Name);
        var dangling = s.Adapters
            .Where(a => s.Owner(a).Id != p.Id && Pairing.ResolveRemote(s, a.Definition).Partition?.Id == p.Id)
            .ToList();
        var described = dangling.Select(a => Describe(s, a)).ToList();
        if (dangling.Count > 0 && !force)
            throw new ConfigurationException(ConfigurationError.PartitionHasPairedAdapters,
                $"Partition '{p.Name}' is the partner of {dangling.Count} adapter(s) elsewhere: {string.Join("; ", described)}. Remove them first, or use -Force to remove them too.", p.Name);
        var disks = LoadDisks(c).Where(d => d.PartitionId == p.Id).Select(d => d.Name).ToList();
        if (disks.Count > 0 && !force)
            throw new ConfigurationException(ConfigurationError.PartitionHasStorage,
                $"Partition '{p.Name}' owns virtual disk(s) {string.Join(", ", disks)}. Remove them first, or use -Force to unregister them too (their files are kept).", p.Name);
        described.AddRange(disks.Select(d => $"virtual disk {d} of '{p.Name}' (its file is kept)"));
        foreach (var a in dangling)
            Exec(c, "DELETE FROM adapter WHERE id = $id", ("$id", a.Id));
        Exec(c, "DELETE FROM partition WHERE id = $id", ("$id", p.Id));
        return described;
    });

    /// <summary>Activates a partition with a profile: every required adapter must be able to pair.</summary>
    public Partition Activate(string nameOrId, string? profileName = null) => Write((c, s) =>
    {
        var p = s.RequirePartition(nameOrId);
        if (s.Running(p.Id) is { } running)
            throw new ConfigurationException(ConfigurationError.PartitionRunning, $"Partition '{p.Name}' is already running profile '{running.Name}'. Stop it first to activate another profile.", p.Name);
        var profile = s.RequireProfile(p, profileName ?? p.DefaultProfile);
        var failures = s.AdaptersOf(profile)
            .Where(a => a.Definition.Required)
            .Select(a => (Adapter: a, Result: Pairing.Evaluate(s, p, a)))
            .Where(x => x.Result.Status != PairingStatus.Paired && !(x.Adapter.Definition.Kind == AdapterKind.Server && x.Adapter.Definition.AcceptsAnyPartition))
            .Select(x => $"{x.Adapter.Name} in slot {x.Adapter.Definition.Slot} ({x.Result.Problem})")
            .ToList();
        if (failures.Count > 0)
            throw new ConfigurationException(ConfigurationError.RequiredAdapterUnpaired,
                $"Partition '{p.Name}' cannot be activated with profile '{profile.Name}': required adapter {string.Join("; ", failures)}. Create the partner adapter or clear the required flag.", p.Name);
        var runningId = InsertConfig(c, s, p.Id, profile.Name, running: true, profile.MaxVirtualSlots);
        foreach (var a in s.AdaptersOf(profile).ToList())
            InsertAdapter(c, s, runningId, a.Name, a.Definition);
        return ToPartition(s, p);
    });

    /// <summary>Shuts a partition down: its running configuration is discarded.</summary>
    public Partition Deactivate(string nameOrId) => Write((c, s) =>
    {
        var p = s.RequirePartition(nameOrId);
        var running = s.Running(p.Id) ?? throw new ConfigurationException(ConfigurationError.PartitionNotRunning, $"Partition '{p.Name}' is not running.", p.Name);
        Exec(c, "DELETE FROM config WHERE id = $id", ("$id", running.Id));
        s.Adapters.RemoveAll(a => a.ConfigId == running.Id);
        s.Configs.Remove(running);
        return ToPartition(s, p);
    });

    /// <summary>Every problem that would keep an adapter of a partition's current configuration from pairing.</summary>
    public IReadOnlyList<ConfigurationFinding> Test() => Read(s =>
    {
        var findings = new List<ConfigurationFinding>();
        foreach (var p in s.Partitions)
        {
            foreach (var a in s.AdaptersOf(s.Effective(p)).OrderBy(a => a.Definition.Slot))
            {
                var r = Pairing.Evaluate(s, p, a);
                if (r.Status == PairingStatus.Paired) continue;
                var required = a.Definition.Required && !(a.Definition.Kind == AdapterKind.Server && a.Definition.AcceptsAnyPartition);
                findings.Add(new ConfigurationFinding(
                    required ? FindingSeverity.Error : FindingSeverity.Warning,
                    required ? "RequiredAdapterUnpaired" : r.Code, p.Name, a.Name, a.Definition.Slot,
                    $"{(a.Definition.Kind == AdapterKind.Server ? "Server" : "Client")} adapter {a.Name} (slot {a.Definition.Slot}) of '{p.Name}'{(required ? ", required," : "")} is not paired: {r.Problem}."));
            }
        }
        return findings;
    });

    public void Dispose() => _db.Dispose();

    private T Read<T>(Func<ConfigSnapshot, T> work) =>
        _db.Read(c => work(ConfigSnapshot.Load(c, _db.Path, _db.SchemaVersion)));

    private T Read<T>(Func<SqliteConnection, ConfigSnapshot, T> work) =>
        _db.Read(c => work(c, ConfigSnapshot.Load(c, _db.Path, _db.SchemaVersion)));

    private T Write<T>(Func<SqliteConnection, ConfigSnapshot, T> work) =>
        _db.Write(c => work(c, ConfigSnapshot.Load(c, _db.Path, _db.SchemaVersion)));

    private static Partition ToPartition(ConfigSnapshot s, PartitionRow p)
    {
        var running = s.Running(p.Id);
        return new Partition(p.Id, p.Name, p.Type, running is null ? PartitionState.NotActivated : PartitionState.Running,
            s.Effective(p).MaxVirtualSlots, p.DefaultProfile, running?.Name, s.Profiles(p.Id).Select(c => c.Name).ToList())
        {
            IscsiPortal = running is null ? null : s.Portals.Find(r => r.PartitionId == p.Id)?.EndPoint,
        };
    }

    private static PartitionRow Replace(ConfigSnapshot s, PartitionRow old, PartitionRow updated)
    {
        s.Partitions[s.Partitions.IndexOf(old)] = updated;
        return updated;
    }

    private static PartitionRow Rename(SqliteConnection c, ConfigSnapshot s, PartitionRow p, string newName)
    {
        RequireValidName(newName, ConfigurationError.PartitionNameInvalid, "partition");
        if (s.Partitions.Any(o => o.Id != p.Id && string.Equals(o.Name, newName, StringComparison.OrdinalIgnoreCase)))
            throw new ConfigurationException(ConfigurationError.PartitionNameInUse, $"A partition named '{newName}' already exists. Choose another name.", newName);
        // Adapters elsewhere that name this partition follow the rename, so pairs survive it.
        foreach (var a in s.Adapters.Where(a => a.Definition.RemoteName.Length > 0 && Pairing.ResolveRemote(s, a.Definition).Partition?.Id == p.Id).ToList())
        {
            Exec(c, "UPDATE adapter SET remote_name = $n WHERE id = $id", ("$n", newName), ("$id", a.Id));
            s.Adapters[s.Adapters.IndexOf(a)] = a with { Definition = a.Definition with { RemoteName = newName } };
        }
        Exec(c, "UPDATE partition SET name = $n WHERE id = $id", ("$n", newName), ("$id", p.Id));
        return Replace(s, p, p with { Name = newName });
    }

    private static void RequireValidName(string name, ConfigurationError error, string what)
    {
        if (string.IsNullOrEmpty(name) || !Names.IsValidPartitionName(name))
            throw new ConfigurationException(error,
                $"'{name}' is not a valid {what} name: use 1 to {Names.MaxNameLength} letters, digits, '-', '_' or '.'.", name);
    }

    private static int CheckMaxSlots(int slots) => slots is >= MinMaxVirtualSlots and <= MaxMaxVirtualSlots ? slots
        : throw new ConfigurationException(ConfigurationError.MaxVirtualSlotsInvalid,
            $"Max virtual slots {slots} is outside {MinMaxVirtualSlots}..{MaxMaxVirtualSlots}.", slots);

    private static void SetMaxSlots(SqliteConnection c, ConfigSnapshot s, PartitionRow p, ConfigRow config, int slots)
    {
        CheckMaxSlots(slots);
        var highest = s.AdaptersOf(config).Select(a => a.Definition.Slot).DefaultIfEmpty(FirstUserSlot - 1).Max();
        if (highest >= slots)
            throw new ConfigurationException(ConfigurationError.MaxVirtualSlotsInvalid,
                $"Profile '{config.Name}' of '{p.Name}' has an adapter in slot {highest}, so max virtual slots must be at least {highest + 1}.", slots);
        Exec(c, "UPDATE config SET max_virtual_slots = $v WHERE id = $id", ("$v", slots), ("$id", config.Id));
        s.Configs[s.Configs.IndexOf(config)] = config with { MaxVirtualSlots = slots };
    }

    private static long InsertConfig(SqliteConnection c, ConfigSnapshot s, int partitionId, string name, bool running, int maxSlots)
    {
        var id = Scalar(c, "INSERT INTO config (partition_id, name, running, max_virtual_slots) VALUES ($p, $n, $r, $m) RETURNING id",
            ("$p", partitionId), ("$n", name), ("$r", running ? 1 : 0), ("$m", maxSlots));
        s.Configs.Add(new ConfigRow(id, partitionId, name, running, maxSlots));
        return id;
    }

    private static AdapterRow InsertAdapter(SqliteConnection c, ConfigSnapshot s, long configId, string name, AdapterDefinition d)
    {
        var id = Scalar(c,
            "INSERT INTO adapter (config_id, name, slot, kind, remote_id, remote_name, remote_slot, required) VALUES ($c, $n, $s, $k, $ri, $rn, $rs, $req) RETURNING id",
            ("$c", configId), ("$n", name), ("$s", d.Slot), ("$k", d.Kind.ToString()), ("$ri", d.RemoteId), ("$rn", d.RemoteName), ("$rs", d.RemoteSlot), ("$req", d.Required ? 1 : 0));
        var row = new AdapterRow(id, configId, name, d);
        s.Adapters.Add(row);
        return row;
    }

    private static string Describe(ConfigSnapshot s, AdapterRow a)
    {
        var config = s.Configs.Find(x => x.Id == a.ConfigId)!;
        return $"{a.Name} of '{s.Owner(config).Name}' ({(config.Running ? "running configuration" : $"profile '{config.Name}'")}, slot {a.Definition.Slot})";
    }

    private static void Exec(SqliteConnection c, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, sql, args);
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection c, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, sql, args);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, (string Name, object Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
            cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }
}
