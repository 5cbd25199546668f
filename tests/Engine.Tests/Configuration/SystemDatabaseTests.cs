using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>
/// The SQLite file (SystemDatabase, Schema): creation in WAL mode, forward migrations in one
/// transaction, and refusal of anything it must not overwrite: corrupt, foreign, newer or locked.
/// </summary>
public sealed partial class SystemDatabaseTests : IDisposable
{
    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    private static SqliteConnection Raw(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        c.Open();
        return c;
    }

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private object? Scalar(string sql)
    {
        using var c = Raw(_temp.DatabasePath);
        return Scalar(c, sql);
    }

    /// <summary>The schema version this build knows.</summary>
    private static int Known => Schema.Migrations.Count;

    private ManagedSystem OpenWith(params string[] extraMigrations) =>
        ManagedSystem.Open(_temp.Folder, new ManagedSystemOptions(), [.. Schema.Migrations, .. extraMigrations]);

    /// <summary>Every entry of the folder with its bytes' hash and its modification time, so "unchanged" covers -wal and -shm files, directories and timestamps too.</summary>
    private string FolderState() => string.Join("\n", Directory.GetFileSystemEntries(_temp.Folder).Order()
        .Select(f => new FileInfo(f).LinkTarget is { } link ? $"{Path.GetFileName(f)} -> {link}"
            : File.Exists(f)
            ? $"{Path.GetFileName(f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))} {File.GetLastWriteTimeUtc(f).Ticks}"
            : $"{Path.GetFileName(f)}/ {string.Join(",", Directory.GetFileSystemEntries(f).Order())} {Directory.GetLastWriteTimeUtc(f).Ticks}"));

    /// <summary>Opening is refused with <paramref name="error"/>, and the folder is byte-for-byte as before.</summary>
    private ConfigurationException AssertOpenRefusedLeavingFilesAlone(ConfigurationError error)
    {
        var before = FolderState();
        var e = Refused.With(error, () => { using var s = _temp.Open(); return s.GetPartitions(); });
        Assert.Equal(_temp.DatabasePath, e.Target);
        Assert.Contains(_temp.DatabasePath, e.Message);
        Assert.Equal(before, FolderState());
        return e;
    }

    private void CreateSampleData(int partitions)
    {
        using var s = _temp.Open();
        s.CreatePartition("vios1", PartitionType.Vios, maxVirtualSlots: 1024);
        for (var i = 0; i < partitions; i++)
        {
            s.CreatePartition($"lpar-with-a-longish-name-{i:D4}", PartitionType.AixLinux);
            s.AddAdapter("vios1", Requests.Server(2 + i, $"lpar-with-a-longish-name-{i:D4}", 3, required: true));
        }
    }

    [Fact]
    public void Open_NewFolder_CreatesWalDatabaseWithSevenCharacterSerial()
    {
        var system = _temp.Do(s => s.GetSystem());
        Assert.Matches("^[0-9A-Z]{7}$", system.Serial);
        Assert.Equal($"Server-{system.Serial}", system.Name);
        Assert.Equal(Schema.Migrations.Count, system.SchemaVersion);
        Assert.Equal(_temp.DatabasePath, system.DatabasePath);
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal((long)Schema.Migrations.Count, Scalar("PRAGMA user_version"));
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
    }

    [Fact]
    public void Open_FolderMissing_CreatesIt()
    {
        var nested = Path.Combine(_temp.Folder, "a", "b");
        using var s = ManagedSystem.Open(nested);
        Assert.True(File.Exists(Path.Combine(nested, "system.db")));
        Assert.Equal(Path.Combine(nested, "system.db"), s.DatabasePath);
    }

    [Fact]
    public void Open_Reopened_KeepsSerialAndData()
    {
        var serial = _temp.Do(s => s.GetSystem().Serial);
        _temp.Do(s => s.CreatePartition("vios1", PartitionType.Vios));
        using var reopened = _temp.Open();
        Assert.Equal(serial, reopened.GetSystem().Serial);
        Assert.Equal("vios1", Assert.Single(reopened.GetPartitions()).Name);
    }

    [Fact]
    public void Open_TwoFolders_DifferentSerials()
    {
        using var other = new TempSystem();
        Assert.NotEqual(_temp.Do(s => s.GetSystem().Serial), other.Do(s => s.GetSystem().Serial));
    }

    [Fact]
    public void Open_CurrentSchemaWithTestOnlyNextVersion_MigratesKeepingData()
    {
        var serial = _temp.Do(s => { s.CreatePartition("vios1", PartitionType.Vios); return s.GetSystem().Serial; });
        Assert.Equal((long)Known, Scalar("PRAGMA user_version"));
        using (var s = OpenWith("ALTER TABLE partition ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated'; CREATE TABLE test_only (x INTEGER);"))
        {
            Assert.Equal(Known + 1, s.GetSystem().SchemaVersion);
            Assert.Equal((serial, "vios1"), (s.GetSystem().Serial, s.GetPartition("vios1").Name));
            s.CreatePartition("lpar2", PartitionType.AixLinux); // the model still works on the new schema
        }
        Assert.Equal(Known + 1L, Scalar("PRAGMA user_version"));
        Assert.Equal("migrated", Scalar("SELECT note FROM partition WHERE name = 'vios1'"));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM partition"));
        using (var again = OpenWith("ALTER TABLE partition ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated'; CREATE TABLE test_only (x INTEGER);"))
            Assert.Equal(Known + 1, again.GetSystem().SchemaVersion); // already there: not applied twice
    }

    [Fact]
    public void Open_NewFolderWithExtraMigrations_AppliesAllInOrder()
    {
        using var s = OpenWith("CREATE TABLE v2 (x INTEGER);", "INSERT INTO v2 VALUES (42);");
        Assert.Equal(Known + 2, s.GetSystem().SchemaVersion);
        s.Dispose();
        Assert.Equal(42L, Scalar("SELECT x FROM v2"));
    }

    [Theory]
    [InlineData("CREATE TABLE half (x INTEGER); INSERT INTO nosuch VALUES (1);")]
    [InlineData("CREATE TABLE half (x INTEGER); UPDATE partition SET default_profile = 'changed'; SELECT nosuch FROM partition;")]
    public void Open_FailingMigration_RollsBackWholly(string failing)
    {
        CreateSampleData(3);
        var before = (Scalar("PRAGMA user_version"), Scalar("SELECT group_concat(name) FROM partition"), Scalar("SELECT count(*) FROM sqlite_master"));
        var e = Assert.ThrowsAny<Exception>(() => OpenWith("CREATE TABLE v2 (x INTEGER);", failing));
        Assert.Contains("nosuch", e.Message);
        Assert.Equal(before, (Scalar("PRAGMA user_version"), Scalar("SELECT group_concat(name) FROM partition"), Scalar("SELECT count(*) FROM sqlite_master")));
        Assert.Equal(0L, Scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('v2', 'half')"));
        Assert.Equal(Known, _temp.Do(s => s.GetSystem()).SchemaVersion); // still usable by this build
    }

    [Fact]
    public void Open_FailingFirstMigrationOnNewFolder_RetryWithGoodSchemaSucceeds()
    {
        Assert.ThrowsAny<Exception>(() => ManagedSystem.Open(_temp.Folder, new ManagedSystemOptions(), ["CREATE TABLE t (x INTEGER); SELECT nosuch;"]));
        Assert.Empty(Directory.GetFiles(_temp.Folder));   // a system that could not be built leaves no file behind
        Assert.Equal(Known, _temp.Do(s => s.GetSystem()).SchemaVersion);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(97)]
    public void Open_SchemaNewerThanKnown_DatabaseSchemaTooNewFileUnchanged(int above)
    {
        var version = Known + above;
        CreateSampleData(2);
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, $"PRAGMA user_version = {version}");
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseSchemaTooNew);
        Assert.Contains($"schema version {version}", e.Message);
        Assert.Equal((long)version, Scalar("PRAGMA user_version"));
    }

    [Fact]
    public void Open_SqliteHeaderThenGarbage_DatabaseCorruptFileUnchanged()
    {
        var bytes = new byte[8192];
        new Random(7).NextBytes(bytes);
        "SQLite format 3\0"u8.CopyTo(bytes);
        File.WriteAllBytes(_temp.DatabasePath, bytes);
        AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseCorrupt);
    }

    // SQLite file format, 1.6 "B-tree Pages": the b-tree page header holds the page type at offset 0
    // and the start of the cell content area at offset 5 (2 bytes, big-endian); page 1's header follows
    // the 100-byte database header. The bytes between the cell pointer array and the content area are
    // unused, so damage there is invisible by design: the test damages only pages whose middle holds cells.
    private const int DatabaseHeaderLength = 100;
    private const int PageTypeOffset = 0;
    private const int CellContentStartOffset = 5;
    private const int DamageLength = 128;

    private static IEnumerable<int> PagesWithCellsInTheMiddle(byte[] file, int pageSize)
    {
        for (var page = 2; page <= file.Length / pageSize; page++)
        {
            var header = file.AsSpan((page - 1) * pageSize);
            var type = header[PageTypeOffset];
            var contentStart = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(header[CellContentStartOffset..]);
            if (type is 2 or 5 or 10 or 13 && contentStart > 0 && contentStart < (pageSize - DamageLength) / 2)
                yield return page;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Open_DamagedPageInTheMiddle_DatabaseCorrupt(int which)
    {
        CreateSampleData(120);
        var pageSize = Convert.ToInt32(Scalar("PRAGMA page_size"));
        var bytes = File.ReadAllBytes(_temp.DatabasePath);
        var pages = PagesWithCellsInTheMiddle(bytes, pageSize).ToList();
        Assert.True(pages.Count > which, $"only {pages.Count} full pages");
        var middle = (pages[which] - 1) * pageSize + pageSize / 2;
        bytes.AsSpan(middle - DamageLength / 2, DamageLength).Fill(0xA5);
        File.WriteAllBytes(_temp.DatabasePath, bytes);
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseCorrupt);
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void Open_DamagedBTreePageHeader_DatabaseCorrupt()
    {
        CreateSampleData(120);
        var pageSize = Convert.ToInt32(Scalar("PRAGMA page_size"));
        var bytes = File.ReadAllBytes(_temp.DatabasePath);
        bytes[pageSize + PageTypeOffset] = 0xFF; // page 2's b-tree header: no such page type
        File.WriteAllBytes(_temp.DatabasePath, bytes);
        AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseCorrupt);
    }

    [Theory]
    [InlineData("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")]
    [InlineData("CREATE TABLE partition (x INTEGER)")]
    [InlineData("CREATE VIEW v AS SELECT 1")]
    public void Open_ForeignSqliteDatabase_DatabaseNotVScsiFileUnchanged(string sql)
    {
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, sql);
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseNotVScsi);
        Assert.Contains("did not create", e.Message);
    }

    [Fact]
    public void Write_ExclusiveLockHeldLongerThanBusyTimeout_DatabaseLocked()
    {
        _temp.Do(s => s.CreatePartition("vios1", PartitionType.Vios));
        using var holder = Raw(_temp.DatabasePath);
        Scalar(holder, "BEGIN EXCLUSIVE");
        using var s = _temp.Open(new ManagedSystemOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) });
        Assert.Single(s.GetPartitions()); // WAL: readers are not blocked by a writer

        var clock = Stopwatch.StartNew();
        var e = Refused.With(ConfigurationError.DatabaseLocked, () => s.CreatePartition("lpar2", PartitionType.AixLinux));
        clock.Stop();
        Assert.Contains("busy timeout", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));

        Scalar(holder, "ROLLBACK");
        Assert.Equal(2, s.CreatePartition("lpar2", PartitionType.AixLinux).Id);
    }

    [Fact]
    public async Task Write_LockReleasedWithinBusyTimeout_Waits()
    {
        _temp.Do(s => s.GetSystem());
        using var holder = Raw(_temp.DatabasePath);
        Scalar(holder, "BEGIN EXCLUSIVE");
        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            Scalar(holder, "COMMIT");
        });
        using var s = _temp.Open(new ManagedSystemOptions { BusyTimeout = TimeSpan.FromSeconds(10) });
        Assert.Equal(1, s.CreatePartition("vios1", PartitionType.Vios).Id);
        await release;
    }
}
