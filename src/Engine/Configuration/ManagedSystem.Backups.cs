using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

/// <summary>One archive in the backup catalog; <see cref="ParentId"/> names the backup an incremental builds on.</summary>
public sealed record BackupRecord(Guid Id, string Partition, string Type, Guid? ParentId, string Path, DateTimeOffset Created,
    IReadOnlyList<string> Devices, long LogicalBytes, long StoredBytes, long ArchiveBytes, TimeSpan Duration, string Checksum);

public sealed partial class ManagedSystem
{
    /// <summary>Adds an archive to the catalog (again: its record is replaced, e.g. when the catalog is rebuilt from a folder).</summary>
    public BackupRecord RecordBackup(BackupRecord backup) => Write((c, s) =>
    {
        var p = s.RequirePartition(backup.Partition);
        Exec(c, """
            INSERT OR REPLACE INTO backup (id, partition_id, type, parent_id, path, created_utc, devices, logical_bytes, stored_bytes, archive_bytes, duration_ms, checksum)
            VALUES ($id, $p, $t, $parent, $path, $created, $devices, $logical, $stored, $archive, $ms, $sum)
            """,
            ("$id", backup.Id.ToString()), ("$p", p.Id), ("$t", backup.Type), ("$parent", backup.ParentId?.ToString() ?? (object)DBNull.Value),
            ("$path", System.IO.Path.GetFullPath(backup.Path)), ("$created", backup.Created.ToString("O", CultureInfo.InvariantCulture)),
            ("$devices", string.Join('\n', backup.Devices)), ("$logical", backup.LogicalBytes), ("$stored", backup.StoredBytes),
            ("$archive", backup.ArchiveBytes), ("$ms", (long)backup.Duration.TotalMilliseconds), ("$sum", backup.Checksum));
        return LoadBackups(c, s).Single(b => b.Id == backup.Id);
    });

    /// <summary>The catalog, oldest first, of one partition or all.</summary>
    public IReadOnlyList<BackupRecord> GetBackups(string? partition = null) => Read((c, s) =>
    {
        var owner = partition is null ? null : s.RequirePartition(partition);
        return LoadBackups(c, s).Where(b => owner is null || string.Equals(b.Partition, owner.Name, StringComparison.OrdinalIgnoreCase)).ToList();
    });

    /// <summary>Drops an archive from the catalog (the caller deletes the file).</summary>
    public void ForgetBackup(Guid id) => Write((c, _) =>
    {
        Exec(c, "DELETE FROM backup WHERE id = $id", ("$id", id.ToString()));
        return true;
    });

    private static List<BackupRecord> LoadBackups(SqliteConnection c, ConfigSnapshot s) => Rows(c,
        "SELECT id, partition_id, type, parent_id, path, created_utc, devices, logical_bytes, stored_bytes, archive_bytes, duration_ms, checksum FROM backup ORDER BY created_utc, id",
        r => new BackupRecord(Guid.Parse(r.GetString(0)), s.FindPartition(r.GetInt32(1))?.Name ?? "", r.GetString(2), r.IsDBNull(3) ? null : Guid.Parse(r.GetString(3)),
            r.GetString(4), DateTimeOffset.Parse(r.GetString(5), CultureInfo.InvariantCulture), r.GetString(6).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), TimeSpan.FromMilliseconds(r.GetInt64(10)), r.GetString(11)));
}
