using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

/// <summary>
/// The SQLite file of one managed system: opened without pooling (so files are released when the
/// caller is done), WAL journal, foreign keys on, a busy timeout for writers in other processes.
/// Every write runs in one IMMEDIATE transaction, so read-validate-write sequences from two
/// processes serialize instead of losing updates. A file that is not a healthy VScsi database of a
/// schema this build knows is refused, never recreated.
/// </summary>
internal sealed class SystemDatabase : IDisposable
{
    public const string FileName = "system.db";

    private readonly SqliteConnection _connection;

    private SystemDatabase(SqliteConnection connection, string path, int schemaVersion)
    {
        _connection = connection;
        Path = path;
        SchemaVersion = schemaVersion;
    }

    public string Path { get; }

    public int SchemaVersion { get; }

    /// <summary>
    /// Opens the managed system's database in <paramref name="folder"/>. Only a missing file means a
    /// new system, and that one is built under a temporary name and moved into place whole, so a crash
    /// mid-creation leaves no empty or half-made system.db behind. Anything else that is not a
    /// healthy VScsi database is refused and left exactly as it was (<see cref="SystemFileCheck"/>).
    /// </summary>
    public static SystemDatabase Open(string folder, TimeSpan busyTimeout, IReadOnlyList<string> migrations)
    {
        SqliteNative.EnsureLoaded();
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, FileName);
        if (!SystemFileCheck.Exists(path))
            CreateNew(path, busyTimeout, migrations);
        SystemFileCheck.RequireSqliteFile(path);
        var connection = Connect(path, busyTimeout, SqliteOpenMode.ReadWrite);
        try
        {
            var version = Translate(path, () =>
            {
                connection.Open();
                Configure(connection, busyTimeout);
                CheckIntegrity(connection, path);
                SystemFileCheck.RequireOurs(connection, path);
                return Migrate(connection, path, migrations);
            });
            return new SystemDatabase(connection, path, version);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Builds a new database beside <paramref name="path"/> and moves it there unless another process got there first (then theirs is used).</summary>
    private static void CreateNew(string path, TimeSpan busyTimeout, IReadOnlyList<string> migrations)
    {
        var building = $"{path}.new-{Guid.NewGuid():N}";
        try
        {
            using (var connection = Connect(building, busyTimeout, SqliteOpenMode.ReadWriteCreate))
            {
                Translate(path, () =>
                {
                    connection.Open();
                    Configure(connection, busyTimeout);
                    return Migrate(connection, path, migrations);
                });
            }
            PlaceWithoutReplacing(building, path);
        }
        finally
        {
            foreach (var leftover in new[] { building, building + "-wal", building + "-shm", building + "-journal" })
                File.Delete(leftover);
        }
    }

    /// <summary>
    /// Puts the new file at <paramref name="path"/> unless something is already there: link(2) on
    /// Unix fails with EEXIST rather than replace (rename(2) would replace, and File.Move's
    /// "no overwrite" is a check before it), MoveFileEx without MOVEFILE_REPLACE_EXISTING on Windows.
    /// When another process created the system at the same moment, its file is the system.
    /// </summary>
    private static void PlaceWithoutReplacing(string building, string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            if (Link(building, path) == 0 || Marshal.GetLastPInvokeError() == EExist) return;
            // A file system without hard links: fall back to the move below.
        }
        try
        {
            File.Move(building, path, overwrite: false);
        }
        catch (IOException) when (SystemFileCheck.Exists(path))
        {
            // Created by another process first.
        }
    }

    private const int EExist = 17;   // EEXIST on Linux and macOS

    [DllImport("libc", EntryPoint = "link", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Link(string existing, string created);

    private static SqliteConnection Connect(string path, TimeSpan busyTimeout, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ConnectionString);

    private static void Configure(SqliteConnection connection, TimeSpan busyTimeout) =>
        Execute(connection, $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;");

    /// <summary>Writes a consistent copy of the database to a new file (SQLite VACUUM INTO).</summary>
    public void CopyTo(string path) => Translate(Path, () =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "VACUUM INTO $path";
        command.Parameters.AddWithValue("$path", path);
        command.ExecuteNonQuery();
        return true;
    });

    /// <summary>Runs <paramref name="work"/> in a read transaction (a consistent snapshot).</summary>
    public T Read<T>(Func<SqliteConnection, T> work) => Run(deferred: true, work);

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction; an exception rolls everything back.</summary>
    public T Write<T>(Func<SqliteConnection, T> work) => Run(deferred: false, work);

    private T Run<T>(bool deferred, Func<SqliteConnection, T> work) => Translate(Path, () =>
    {
        using var transaction = _connection.BeginTransaction(deferred);
        var result = work(_connection);
        transaction.Commit();
        return result;
    });

    public void Dispose() => _connection.Dispose();

    private static int Migrate(SqliteConnection connection, string path, IReadOnlyList<string> migrations)
    {
        var version = UserVersion(connection);
        if (version == migrations.Count) return version; // the common case: nothing to do, nothing written
        CheckNotNewer(version, migrations.Count, path);

        // Decide and migrate inside one IMMEDIATE transaction: another process may be creating or
        // migrating the same file right now, so what was read above is only a hint.
        bool created;
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            version = UserVersion(connection);
            CheckNotNewer(version, migrations.Count, path);
            if (version == 0 && HasForeignTables(connection))
                throw new ConfigurationException(ConfigurationError.DatabaseNotVScsi,
                    $"'{path}' is an SQLite database that VScsi did not create. Choose another -SystemPath; the file was left unchanged.", path);
            created = version == 0;
            try
            {
                for (; version < migrations.Count; version++)
                    Execute(connection, migrations[version]);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is not (5 or 6 or 11 or 26))
            {
                throw new ConfigurationException(ConfigurationError.DatabaseMigrationFailed,
                    $"Upgrading the configuration database '{path}' to schema version {version + 1} failed ({e.Message}); it was left at its previous version, unchanged.", path, e);
            }
            if (created)
                InsertSystemRow(connection);
            Execute(connection, $"PRAGMA user_version = {version}; PRAGMA application_id = {SystemFileCheck.ApplicationId};");
            transaction.Commit();
        }
        if (created)
            Execute(connection, "PRAGMA journal_mode = WAL;"); // persistent; set once the file is known to be ours
        return version;
    }

    private static void CheckNotNewer(int version, int known, string path)
    {
        if (version > known)
            throw new ConfigurationException(ConfigurationError.DatabaseSchemaTooNew,
                $"The configuration database '{path}' has schema version {version}, newer than this VScsi build understands ({known}). Use a newer VScsi module; the file was left unchanged.", path);
    }

    private static void InsertSystemRow(SqliteConnection connection)
    {
        var serial = NewSerial();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO system (id, name, serial, machine_type_model, created_utc) VALUES (1, $name, $serial, $mtm, $created)";
        cmd.Parameters.AddWithValue("$name", "Server-" + serial);
        cmd.Parameters.AddWithValue("$serial", serial);
        cmd.Parameters.AddWithValue("$mtm", "9080.VSC");
        cmd.Parameters.AddWithValue("$created", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>A seven-character serial like PowerVM's (digits and upper-case letters).</summary>
    private static string NewSerial()
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
        return string.Create(7, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static void CheckIntegrity(SqliteConnection connection, string path)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA quick_check;";
        var result = cmd.ExecuteScalar() as string;
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
            throw Corrupt(path, $"SQLite's integrity check reports: {result}");
    }

    private static bool HasForeignTables(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static int UserVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal static ConfigurationException Corrupt(string path, string why, Exception? inner = null) =>
        new(ConfigurationError.DatabaseCorrupt,
            $"The configuration database '{path}' is damaged ({why}). Restore it from a backup or move it away; VScsi will not overwrite it.", path, inner);

    /// <summary>Turns SQLite's busy/corrupt codes into the engine's errors.</summary>
    private static T Translate<T>(string path, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            throw new ConfigurationException(ConfigurationError.DatabaseLocked,
                $"The configuration database '{path}' stayed locked by another process for longer than the busy timeout. Retry when the other operation has finished.", path, e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            throw Corrupt(path, e.Message, e);
        }
    }
}
