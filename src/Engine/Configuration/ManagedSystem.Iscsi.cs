using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Configuration;

/// <summary>Where a serving process listens for iSCSI logins to a partition's server adapters.</summary>
public sealed record IscsiPortalRecord(int PartitionId, string EndPoint, int ProcessId, string Host, DateTime StartedUtc)
{
    /// <summary>False when the record names a process of this machine that is gone (it was killed before it could clear it).</summary>
    public bool IsLive
    {
        get
        {
            if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return true;
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(ProcessId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }
}

public sealed partial class ManagedSystem
{
    /// <summary>
    /// The naming authority of generated iSCSI names. A server adapter is the target
    /// <c>iqn.2026-11.org.vscsi:&lt;system&gt;.&lt;partition&gt;.&lt;vhostN&gt;</c>; a client adapter
    /// logs in as the initiator <c>iqn.2026-11.org.vscsi:&lt;system&gt;.&lt;partition&gt;.&lt;vscsiN&gt;</c>.
    /// Names are lower case; characters outside a-z, 0-9, '-' and '.' become '-'.
    /// </summary>
    public const string IqnAuthority = "iqn.2026-11.org.vscsi";

    public const int MinChapSecretLength = 12;
    public const int MaxChapSecretLength = 255;

    private const string SecretsFile = "iscsi-secrets.json";

    public static string GeneratedIscsiName(string system, string partition, string adapter) =>
        $"{IqnAuthority}:{IqnPart(system)}.{IqnPart(partition)}.{IqnPart(adapter)}";

    private static string IqnPart(string text) => Regex.Replace(text.ToLowerInvariant(), "[^a-z0-9.-]", "-");

    /// <summary>iqn.yyyy-mm.reversed.domain[:anything], eui.16 hex digits or naa.16/32 hex digits (RFC 7143 4.2.7.2).</summary>
    public static bool IsValidIscsiName(string name) => name.Length <= 223
        && (Regex.IsMatch(name, @"^iqn\.\d{4}-(0[1-9]|1[0-2])\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]+)?$")
            || Regex.IsMatch(name, "^eui\\.[0-9A-F]{16}$") || Regex.IsMatch(name, "^naa\\.([0-9A-F]{16}|[0-9A-F]{32})$"));

    private static IscsiAdapterSettings IscsiSettingsOf(ConfigSnapshot s, PartitionRow owner, AdapterRow a)
    {
        var row = s.Iscsi.Find(r => r.PartitionId == owner.Id && r.Slot == a.Definition.Slot);
        var name = row?.Name ?? GeneratedIscsiName(s.System.Name, owner.Name, a.Name);
        return new IscsiAdapterSettings(name, row?.Name is not null, row?.QueueDepth ?? IscsiAdapterSettings.Default.QueueDepth, row?.ChapUser, row?.MutualChapUser);
    }

    /// <summary>
    /// Changes an adapter's iSCSI settings (of the slot, so in every profile and the running
    /// configuration): the name (null keeps it, "" goes back to the generated one), the queue depth
    /// of a client adapter, and the CHAP secrets (a null secret keeps it, <paramref name="clearChap"/> removes both).
    /// </summary>
    public VirtualScsiAdapter SetIscsiSettings(string partition, string adapter, string? name = null, int? queueDepth = null,
        ChapSecret? chap = null, ChapSecret? mutualChap = null, bool clearChap = false) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        var row = s.AdaptersOf(s.Effective(p)).FirstOrDefault(a => string.Equals(a.Name, adapter, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigurationException(ConfigurationError.AdapterNotFound, $"Partition '{p.Name}' has no adapter '{adapter}'.", adapter);
        var slot = row.Definition.Slot;
        var current = s.Iscsi.Find(r => r.PartitionId == p.Id && r.Slot == slot) ?? new IscsiRow(p.Id, slot, null, IscsiAdapterSettings.Default.QueueDepth, null, null);
        var updated = current;
        if (name is not null)
        {
            if (name.Length > 0 && !IsValidIscsiName(name))
                throw new ConfigurationException(ConfigurationError.IscsiNameInvalid,
                    $"'{name}' is not a valid iSCSI name: use iqn.yyyy-mm.reversed.domain[:identifier] in lower case, eui.<16 hex digits> or naa.<hex digits>.", name);
            var taken = s.Adapters.Where(a => a.Id != row.Id).Select(a => (Adapter: a, Owner: s.Owner(a)))
                .FirstOrDefault(x => x.Owner.Id != p.Id || x.Adapter.Definition.Slot != slot
                    ? string.Equals(IscsiSettingsOf(s, x.Owner, x.Adapter).Name, name, StringComparison.OrdinalIgnoreCase) : false);
            if (name.Length > 0 && taken.Adapter is not null)
                throw new ConfigurationException(ConfigurationError.IscsiNameInUse, $"The iSCSI name '{name}' is already used by {taken.Adapter.Name} of '{taken.Owner.Name}'.", name);
            updated = updated with { Name = name.Length == 0 ? null : name };
        }
        if (queueDepth is int depth)
        {
            if (depth is < 1 or > 256)
                throw new ConfigurationException(ConfigurationError.QueueDepthInvalid, $"The queue depth must be 1 to 256, not {depth}.", depth);
            updated = updated with { QueueDepth = depth };
        }
        var secrets = LoadSecrets();
        var key = SecretKey(p.Id, slot);
        if (clearChap)
        {
            secrets.Remove(key);
            secrets.Remove(key + ":mutual");
            updated = updated with { ChapUser = null, MutualChapUser = null };
        }
        if (chap is not null)
        {
            CheckSecret(chap);
            secrets[key] = chap;
            updated = updated with { ChapUser = chap.User };
        }
        if (mutualChap is not null)
        {
            CheckSecret(mutualChap);
            if (updated.ChapUser is null)
                throw new ConfigurationException(ConfigurationError.ChapSecretInvalid, "Mutual CHAP needs one-way CHAP as well: give -Chap too.", adapter);
            if (chap is not null && chap.Secret == mutualChap.Secret)
                throw new ConfigurationException(ConfigurationError.ChapSecretInvalid, "The mutual CHAP secret must differ from the one-way secret.", adapter);
            secrets[key + ":mutual"] = mutualChap;
            updated = updated with { MutualChapUser = mutualChap.User };
        }
        Exec(c, """
            INSERT INTO adapter_iscsi (partition_id, slot, name, queue_depth, chap_user, mutual_chap_user) VALUES ($p, $s, $n, $q, $cu, $mu)
            ON CONFLICT (partition_id, slot) DO UPDATE SET name = $n, queue_depth = $q, chap_user = $cu, mutual_chap_user = $mu
            """, ("$p", p.Id), ("$s", slot), ("$n", (object?)updated.Name ?? DBNull.Value), ("$q", updated.QueueDepth),
            ("$cu", (object?)updated.ChapUser ?? DBNull.Value), ("$mu", (object?)updated.MutualChapUser ?? DBNull.Value));
        if (chap is not null || mutualChap is not null || clearChap) SaveSecrets(secrets);
        s.Iscsi.Remove(current);
        s.Iscsi.Add(updated);
        return ToAdapter(s, row);
    });

    /// <summary>The CHAP secrets of an adapter (one-way, mutual), for the serving process and our initiator only.</summary>
    public (ChapSecret? Chap, ChapSecret? Mutual) GetChapSecrets(int partitionId, int slot)
    {
        var secrets = LoadSecrets();
        var key = SecretKey(partitionId, slot);
        return (secrets.GetValueOrDefault(key), secrets.GetValueOrDefault(key + ":mutual"));
    }

    private static void CheckSecret(ChapSecret secret)
    {
        if (string.IsNullOrWhiteSpace(secret.User))
            throw new ConfigurationException(ConfigurationError.ChapSecretInvalid, "A CHAP user name is required.", secret.User);
        if (secret.Secret.Length is < MinChapSecretLength or > MaxChapSecretLength)
            throw new ConfigurationException(ConfigurationError.ChapSecretInvalid,
                $"A CHAP secret must be {MinChapSecretLength} to {MaxChapSecretLength} characters (initiators such as Windows require at least 12).", secret.User);
    }

    private static string SecretKey(int partitionId, int slot) => string.Create(CultureInfo.InvariantCulture, $"{partitionId}:{slot}");

    private string SecretsPath => Path.Combine(Path.GetDirectoryName(_db.Path)!, SecretsFile);

    private Dictionary<string, ChapSecret> LoadSecrets()
    {
        if (!File.Exists(SecretsPath)) return [];
        return JsonSerializer.Deserialize<Dictionary<string, ChapSecret>>(File.ReadAllText(SecretsPath)) ?? [];
    }

    /// <summary>Writes the secrets file with owner-only permissions from the start (mode 0600 before any byte is written), then renames it into place.</summary>
    private void SaveSecrets(Dictionary<string, ChapSecret> secrets)
    {
        var temp = SecretsPath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(secrets)));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, SecretsPath, overwrite: true);
    }

    /// <summary>Records that this process serves <paramref name="partition"/> on <paramref name="endPoint"/>, so other processes find it.</summary>
    public void RecordPortal(string partition, string endPoint) => Write((c, s) =>
    {
        var p = s.RequirePartition(partition);
        Exec(c, """
            INSERT INTO iscsi_portal (partition_id, endpoint, process_id, host, started_utc) VALUES ($p, $e, $pid, $h, $t)
            ON CONFLICT (partition_id) DO UPDATE SET endpoint = $e, process_id = $pid, host = $h, started_utc = $t
            """, ("$p", p.Id), ("$e", endPoint), ("$pid", Environment.ProcessId), ("$h", Environment.MachineName),
            ("$t", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        return true;
    });

    /// <summary>Removes a partition's portal record (live or left by a dead process); returns what it said ("endpoint of process N on host"), or null when there was none.</summary>
    public string? ClearPortal(int partitionId) => Write((c, _) =>
    {
        using var cmd = Command(c, "DELETE FROM iscsi_portal WHERE partition_id = $p RETURNING endpoint, process_id, host", [("$p", partitionId)]);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? $"{reader.GetString(0)} of process {reader.GetInt32(1)} on {reader.GetString(2)}" : null;
    });

    /// <summary>The live portal record of a partition served by some process, or null.</summary>
    public IscsiPortalRecord? GetPortal(int partitionId) => Read(s => s.Portals.Find(p => p.PartitionId == partitionId));
}
