using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

/// <summary>
/// What an existing system.db must be before VScsi writes to it (issue 10, item 5): a regular file,
/// not empty, an SQLite database (its 100-byte header, SQLite file format section 1.3), whole (as long
/// as its header says), and VScsi's (our application id, or the tables of a VScsi database made before
/// the id was set). Each failure has its own error id, and the checks only read: the file keeps its bytes and times.
/// </summary>
internal static class SystemFileCheck
{
    /// <summary>PRAGMA application_id of a VScsi database: "VSCS" (SQLite file format 1.3.15, header offset 68).</summary>
    public const int ApplicationId = 0x56534353;

    // SQLite file format 1.3: the header's fields used here.
    private const int HeaderLength = 100;
    private const int PageSizeOffset = 16;          // 2 bytes; 1 means 65536
    private const int ChangeCounterOffset = 24;
    private const int PageCountOffset = 28;         // the in-header database size, valid when the counters below agree
    private const int ApplicationIdOffset = 68;
    private const int VersionValidForOffset = 92;
    private static ReadOnlySpan<byte> Magic => "SQLite format 3\0"u8;

    /// <summary>The tables every VScsi schema has had since version 1.</summary>
    private static readonly string[] CoreTables = ["system", "partition", "config", "adapter"];

    /// <summary>Whether anything (a file, a directory, a link, even a dangling one) is at <paramref name="path"/>; only nothing at all means "new system".</summary>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>Refuses what is not a regular, non-empty, whole SQLite file, reading nothing but its header.</summary>
    public static void RequireSqliteFile(string path)
    {
        if (Directory.Exists(path))
            throw Refusal(ConfigurationError.DatabaseNotAFile, path, "is a directory, not a database file");
        var info = new FileInfo(path);
        if (info.LinkTarget is { } link && info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
            throw Refusal(ConfigurationError.DatabaseNotAFile, path, $"is a link to {link}, which does not exist");
        if (!info.Exists)
            throw Refusal(ConfigurationError.DatabaseNotAFile, path, "is not a file");
        if (info.Length == 0)
            throw Refusal(ConfigurationError.DatabaseEmpty, path,
                "is empty (0 bytes), or a device, pipe or socket rather than a file: an empty file is what a truncated or lost database leaves, so it is not taken for a new system");
        var header = new byte[HeaderLength];
        int read;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        var magic = Math.Min(read, Magic.Length);
        if (!header.AsSpan(0, magic).SequenceEqual(Magic[..magic]))
            throw Refusal(ConfigurationError.DatabaseNotSqlite, path, "is not an SQLite database; it looks like another program's file");
        if (read < HeaderLength)
            throw SystemDatabase.Corrupt(path, $"it is truncated: {read} bytes, shorter than the {HeaderLength}-byte SQLite header");
        CheckLength(path, header, info.Length);
        var id = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(ApplicationIdOffset));
        if (id is not (0 or ApplicationId))
            throw Refusal(ConfigurationError.DatabaseNotVScsi, path, $"is an SQLite database of another program (application id 0x{id:X8})");
    }

    /// <summary>A database file is whole pages, as many as its header says (when that count is valid and no write-ahead log holds newer pages).</summary>
    private static void CheckLength(string path, byte[] header, long length)
    {
        var pageSize = (int)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(PageSizeOffset));
        if (pageSize == 1) pageSize = 65536;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
            throw SystemDatabase.Corrupt(path, $"its header gives a page size of {pageSize}");
        if (length % pageSize != 0)
            throw SystemDatabase.Corrupt(path, $"it is truncated: {length} bytes is not a whole number of {pageSize}-byte pages");
        var pages = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(PageCountOffset));
        var valid = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(ChangeCounterOffset)) == BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(VersionValidForOffset));
        var wal = new FileInfo(path + "-wal");
        if (valid && pages > 0 && (!wal.Exists || wal.Length == 0) && length < (long)pages * pageSize)
            throw SystemDatabase.Corrupt(path, $"it is truncated: its header says {pages} pages of {pageSize} bytes, the file holds {length / pageSize}");
    }

    /// <summary>An SQLite database that passed the checks above is refused unless it is VScsi's: our id, or (before the id was set) our tables.</summary>
    public static void RequireOurs(SqliteConnection connection, string path)
    {
        var version = Pragma(connection, "user_version");
        if (version == 0 || Pragma(connection, "application_id") == ApplicationId) return;   // version 0: Migrate decides (empty, or foreign tables)
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({string.Join(", ", CoreTables.Select(t => $"'{t}'"))})";
        if (Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != CoreTables.Length)
            throw new ConfigurationException(ConfigurationError.DatabaseNotVScsi,
                $"'{path}' is an SQLite database that VScsi did not create (schema version {version} without VScsi's tables). Choose another -SystemPath; the file was left unchanged.", path);
    }

    private static long Pragma(SqliteConnection connection, string name)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA {name};";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static ConfigurationException Refusal(ConfigurationError error, string path, string what) =>
        new(error, $"The configuration database '{path}' {what}. Restore it from a backup, move it away, or choose another -SystemPath; VScsi will not overwrite it.", path);
}
