using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

public sealed partial class ManagedSystem
{
    /// <summary>Profiles of one partition, or of all partitions when <paramref name="partition"/> is null.</summary>
    public IReadOnlyList<PartitionProfile> GetProfiles(string? partition = null) => Read(s =>
    {
        var owners = partition is null ? s.Partitions : [s.RequirePartition(partition)];
        return owners.SelectMany(p => s.Profiles(p.Id).Select(c => ToProfile(s, p, c))).ToList();
    });

    public PartitionProfile GetProfile(string partition, string name) => Read(s =>
    {
        var p = s.RequirePartition(partition);
        return ToProfile(s, p, s.RequireProfile(p, name));
    });

    /// <summary>Creates a profile, optionally with adapters in HMC syntax, optionally as the new default.</summary>
    public PartitionProfile CreateProfile(string partition, string name, string? virtualScsiAdapters = null, int? maxVirtualSlots = null, bool makeDefault = false) =>
        Write((c, s) =>
        {
            var p = s.RequirePartition(partition);
            RequireValidName(name, ConfigurationError.ProfileNameInvalid, "profile");
            if (s.Profile(p.Id, name) is not null)
                throw new ConfigurationException(ConfigurationError.ProfileNameInUse, $"Partition '{p.Name}' already has a profile '{name}'.", name);
            var configId = InsertConfig(c, s, p.Id, name, running: false, CheckMaxSlots(maxVirtualSlots ?? DefaultMaxVirtualSlots));
            var config = s.Configs[^1];
            if (virtualScsiAdapters is not null)
            {
                var edit = HmcAdapterSyntax.Parse(virtualScsiAdapters);
                if (edit.Operation == AdapterListOperation.Remove)
                    throw new ConfigurationException(ConfigurationError.InvalidAdapterSyntax, "A new profile has no adapters to remove ('-='); use '=' or '+='.", virtualScsiAdapters);
                ApplyEdit(c, s, p, config, edit with { Operation = AdapterListOperation.Replace });
            }
            if (makeDefault)
            {
                Exec(c, "UPDATE partition SET default_profile = $v WHERE id = $id", ("$v", name), ("$id", p.Id));
                p = Replace(s, p, p with { DefaultProfile = name });
            }
            return ToProfile(s, p, s.Configs.Find(x => x.Id == configId)!);
        });

    /// <summary>
    /// Changes a profile: its adapters through HMC syntax (<c>=</c> replaces, <c>+=</c> adds,
    /// <c>-=</c> removes), its max virtual slots, its name. Applies to the next activation.
    /// </summary>
    public PartitionProfile UpdateProfile(string partition, string name, string? virtualScsiAdapters = null, int? maxVirtualSlots = null, string? newName = null) =>
        Write((c, s) =>
        {
            var p = s.RequirePartition(partition);
            var config = s.RequireProfile(p, name);
            if (virtualScsiAdapters is not null)
                ApplyEdit(c, s, p, config, HmcAdapterSyntax.Parse(virtualScsiAdapters));
            if (maxVirtualSlots is int slots)
            {
                SetMaxSlots(c, s, p, config, slots);
                config = s.Configs.Find(x => x.Id == config.Id)!;
            }
            if (newName is not null && !string.Equals(newName, config.Name, StringComparison.Ordinal))
                (p, config) = RenameProfile(c, s, p, config, newName);
            return ToProfile(s, p, config);
        });

    /// <summary>Removes a profile; the default profile cannot be removed.</summary>
    public void RemoveProfile(string partition, string name) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        var config = s.RequireProfile(p, name);
        if (string.Equals(config.Name, p.DefaultProfile, StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationException(ConfigurationError.DefaultProfileRemoval,
                $"'{config.Name}' is the default profile of '{p.Name}'. Make another profile the default (Set-VScsiPartition -DefaultProfile) first.", name);
        Exec(c, "DELETE FROM config WHERE id = $id", ("$id", config.Id));
        return 0;
    });

    private static (PartitionRow, ConfigRow) RenameProfile(SqliteConnection c, ConfigSnapshot s, PartitionRow p, ConfigRow config, string newName)
    {
        RequireValidName(newName, ConfigurationError.ProfileNameInvalid, "profile");
        if (s.Profile(p.Id, newName) is { } other && other.Id != config.Id)
            throw new ConfigurationException(ConfigurationError.ProfileNameInUse, $"Partition '{p.Name}' already has a profile '{newName}'.", newName);
        Exec(c, "UPDATE config SET name = $n WHERE id = $id", ("$n", newName), ("$id", config.Id));
        var renamed = config with { Name = newName };
        s.Configs[s.Configs.IndexOf(config)] = renamed;
        // The running configuration remembers the profile it came from (for -SaveToProfile), and the default follows too.
        if (s.Running(p.Id) is { } running && string.Equals(running.Name, config.Name, StringComparison.OrdinalIgnoreCase))
        {
            Exec(c, "UPDATE config SET name = $n WHERE id = $id", ("$n", newName), ("$id", running.Id));
            s.Configs[s.Configs.IndexOf(running)] = running with { Name = newName };
        }
        if (string.Equals(p.DefaultProfile, config.Name, StringComparison.OrdinalIgnoreCase))
        {
            Exec(c, "UPDATE partition SET default_profile = $v WHERE id = $id", ("$v", newName), ("$id", p.Id));
            p = Replace(s, p, p with { DefaultProfile = newName });
        }
        return (p, renamed);
    }

    private static void ApplyEdit(SqliteConnection c, ConfigSnapshot s, PartitionRow p, ConfigRow config, AdapterListEdit edit)
    {
        switch (edit.Operation)
        {
            case AdapterListOperation.Replace:
                // Adapters that stay in the same slot keep their names (vhost0 stays vhost0).
                var old = s.AdaptersOf(config).ToList();
                Exec(c, "DELETE FROM adapter WHERE config_id = $id", ("$id", config.Id));
                s.Adapters.RemoveAll(a => a.ConfigId == config.Id);
                var kept = edit.Adapters
                    .Select(d => old.Find(o => o.Definition.Slot == d.Slot && o.Definition.Kind == d.Kind)?.Name)
                    .ToList();
                for (var i = 0; i < edit.Adapters.Count; i++)
                {
                    var reserved = kept.Where((n, j) => j > i && n is not null).Select(n => n!).ToList();
                    AddToConfig(c, s, p, config, edit.Adapters[i], kept[i], reserved);
                }
                break;
            case AdapterListOperation.Add:
                foreach (var d in edit.Adapters)
                    AddToConfig(c, s, p, config, d, null, []);
                break;
            case AdapterListOperation.Remove:
                foreach (var d in edit.Adapters)
                {
                    var existing = s.AdapterAt(config, d.Slot);
                    if (existing is null || existing.Definition != d)
                        throw new ConfigurationException(ConfigurationError.AdapterNotFound,
                            $"Profile '{config.Name}' of '{p.Name}' has no adapter '{d}'{(existing is null ? "" : $"; slot {d.Slot} holds '{existing.Definition}'")}.", d.ToString());
                    Exec(c, "DELETE FROM adapter WHERE id = $id", ("$id", existing.Id));
                    s.Adapters.Remove(existing);
                }
                break;
        }
    }

    private static PartitionProfile ToProfile(ConfigSnapshot s, PartitionRow p, ConfigRow config) =>
        new(p.Id, p.Name, config.Name, config.MaxVirtualSlots,
            string.Equals(config.Name, p.DefaultProfile, StringComparison.OrdinalIgnoreCase),
            s.AdaptersOf(config).Select(a => a.Definition).ToList());
}
