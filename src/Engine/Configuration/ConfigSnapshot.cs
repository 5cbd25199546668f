using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

internal sealed record PartitionRow(int Id, string Name, PartitionType Type, string DefaultProfile)
{
    public bool CanServe => Type is PartitionType.Vios or PartitionType.IbmI;
}

/// <summary>A profile (Running = false) or the running configuration (Running = true; Name = the profile it came from).</summary>
internal sealed record ConfigRow(long Id, int PartitionId, string Name, bool Running, int MaxVirtualSlots);

internal sealed record AdapterRow(long Id, long ConfigId, string Name, AdapterDefinition Definition);

internal sealed record IscsiRow(int PartitionId, int Slot, string? Name, int QueueDepth, string? ChapUser, string? MutualChapUser);

/// <summary>
/// The whole configuration read inside one transaction. It is small (partitions, profiles,
/// adapters), so rules are checked against this in-memory copy and writes keep it current.
/// </summary>
internal sealed class ConfigSnapshot
{
    public required SystemInfo System { get; init; }
    public required List<PartitionRow> Partitions { get; init; }
    public required List<ConfigRow> Configs { get; init; }
    public required List<AdapterRow> Adapters { get; init; }
    public required List<IscsiRow> Iscsi { get; init; }
    public required List<IscsiPortalRecord> Portals { get; init; }

    public static ConfigSnapshot Load(SqliteConnection c, string databasePath, int schemaVersion)
    {
        SystemInfo? system = null;
        foreach (var r in Query(c, "SELECT name, serial, machine_type_model FROM system WHERE id = 1"))
            system = new SystemInfo(r.GetString(0), r.GetString(1), r.GetString(2), databasePath, schemaVersion);
        var partitions = Query(c, "SELECT id, name, type, default_profile FROM partition ORDER BY id")
            .Select(r => new PartitionRow(r.GetInt32(0), r.GetString(1), Enum.Parse<PartitionType>(r.GetString(2)), r.GetString(3))).ToList();
        var configs = Query(c, "SELECT id, partition_id, name, running, max_virtual_slots FROM config ORDER BY id")
            .Select(r => new ConfigRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3) == 1, r.GetInt32(4))).ToList();
        var adapters = Query(c, "SELECT id, config_id, name, slot, kind, remote_id, remote_name, remote_slot, required FROM adapter ORDER BY id")
            .Select(r => new AdapterRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), new AdapterDefinition(
                r.GetInt32(3), Enum.Parse<AdapterKind>(r.GetString(4)), r.GetString(5), r.GetString(6), r.GetString(7), r.GetInt32(8) == 1))).ToList();
        // Migration 4 added the iSCSI tables; a database opened with fewer migrations (tests of upgrades) has none.
        const int IscsiSchema = 4;
        var iscsi = schemaVersion < IscsiSchema ? [] : Query(c, "SELECT partition_id, slot, name, queue_depth, chap_user, mutual_chap_user FROM adapter_iscsi")
            .Select(r => new IscsiRow(r.GetInt32(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5))).ToList();
        var portals = schemaVersion < IscsiSchema ? [] : Query(c, "SELECT partition_id, endpoint, process_id, host, started_utc FROM iscsi_portal")
            .Select(r => new IscsiPortalRecord(r.GetInt32(0), r.GetString(1), r.GetInt32(2), r.GetString(3),
                DateTime.Parse(r.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)))
            .Where(p => p.IsLive).ToList();
        return new ConfigSnapshot
        {
            System = system ?? throw new ConfigurationException(ConfigurationError.DatabaseCorrupt,
                $"The configuration database '{databasePath}' has no managed-system record. Restore it from a backup.", databasePath),
            Partitions = partitions,
            Configs = configs,
            Adapters = adapters,
            Iscsi = iscsi,
            Portals = portals,
        };
    }

    /// <summary>Finds a partition by exact name (case-insensitive), else by id when the text is a number.</summary>
    public PartitionRow? FindPartition(string nameOrId)
    {
        var byName = Partitions.Find(p => string.Equals(p.Name, nameOrId, StringComparison.OrdinalIgnoreCase));
        if (byName is not null) return byName;
        return int.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? FindPartition(id) : null;
    }

    public PartitionRow? FindPartition(int id) => Partitions.Find(p => p.Id == id);

    public PartitionRow RequirePartition(string nameOrId) => FindPartition(nameOrId)
        ?? throw new ConfigurationException(ConfigurationError.PartitionNotFound,
            $"No partition named or numbered '{nameOrId}' exists. Get-VScsiPartition lists the partitions.", nameOrId);

    public ConfigRow? Running(int partitionId) => Configs.Find(c => c.PartitionId == partitionId && c.Running);

    public ConfigRow? Profile(int partitionId, string name) =>
        Configs.Find(c => c.PartitionId == partitionId && !c.Running && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public ConfigRow RequireProfile(PartitionRow partition, string name) => Profile(partition.Id, name)
        ?? throw new ConfigurationException(ConfigurationError.ProfileNotFound,
            $"Partition '{partition.Name}' has no profile '{name}'. Get-VScsiPartitionProfile -Partition {partition.Name} lists its profiles.", name);

    public IEnumerable<ConfigRow> Profiles(int partitionId) => Configs.Where(c => c.PartitionId == partitionId && !c.Running);

    /// <summary>The configuration that counts now: the running one, else the default profile.</summary>
    public ConfigRow Effective(PartitionRow partition) =>
        Running(partition.Id) ?? Profile(partition.Id, partition.DefaultProfile)
        ?? throw new ConfigurationException(ConfigurationError.ProfileNotFound,
            $"Partition '{partition.Name}' has lost its default profile '{partition.DefaultProfile}'.", partition.Name);

    public IEnumerable<AdapterRow> AdaptersOf(ConfigRow config) => Adapters.Where(a => a.ConfigId == config.Id);

    public AdapterRow? AdapterAt(ConfigRow config, int slot) => Adapters.Find(a => a.ConfigId == config.Id && a.Definition.Slot == slot);

    public PartitionRow Owner(ConfigRow config) => FindPartition(config.PartitionId)!;

    public PartitionRow Owner(AdapterRow adapter) => Owner(Configs.Find(c => c.Id == adapter.ConfigId)!);

    private static IEnumerable<SqliteDataReader> Query(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            yield return reader;
    }
}
