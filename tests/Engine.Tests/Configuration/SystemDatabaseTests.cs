using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>The SQLite file: creation, migrations, and refusal of anything it must not overwrite.</summary>
public sealed class SystemDatabaseTests : IDisposable
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

    private byte[] Hash() => SHA256.HashData(File.ReadAllBytes(_temp.DatabasePath));

    [Fact]
    public void Open_NewFolder_CreatesWalDatabaseWithSerialThatPersists()
    {
        var first = _temp.Do(s => s.GetSystem());
        Assert.Matches("^[0-9A-Z]{7}$", first.Serial);
        Assert.Equal(1, first.SchemaVersion);
        using (var c = Raw(_temp.DatabasePath))
            Assert.Equal("wal", Scalar(c, "PRAGMA journal_mode"));
        Assert.Equal(first.Serial, _temp.Do(s => s.GetSystem()).Serial);
    }

    [Fact]
    public void Open_OlderSchema_MigratesForwardKeepingData()
    {
        _temp.Do(s => s.CreatePartition("vios1", PartitionType.Vios));
        string[] v2 = [.. Schema.Migrations, "CREATE TABLE note (text TEXT);"];
        using (var s = ManagedSystem.Open(_temp.Folder, new ManagedSystemOptions(), v2))
            Assert.Equal(("vios1", 2), (s.GetPartition("vios1").Name, s.GetSystem().SchemaVersion));
        using var c = Raw(_temp.DatabasePath);
        Assert.Equal(2L, Scalar(c, "PRAGMA user_version"));
        Assert.Equal(0L, Scalar(c, "SELECT count(*) FROM note"));
    }

    [Fact]
    public void Open_FailingMigration_RollsBackWholly()
    {
        _temp.Do(s => s.CreatePartition("vios1", PartitionType.Vios));
        string[] broken = [.. Schema.Migrations, "CREATE TABLE half (x INT); INSERT INTO nosuch VALUES (1);"];
        Assert.Throws<SqliteException>(() => ManagedSystem.Open(_temp.Folder, new ManagedSystemOptions(), broken));
        using var c = Raw(_temp.DatabasePath);
        Assert.Equal(1L, Scalar(c, "PRAGMA user_version"));
        Assert.Equal(0L, Scalar(c, "SELECT count(*) FROM sqlite_master WHERE name = 'half'"));
        Assert.Equal(1L, Scalar(c, "SELECT count(*) FROM partition"));
    }

    [Fact]
    public void Open_NewerSchema_RefusedAndFileUnchanged()
    {
        _temp.Do(s => s.GetSystem());
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, "PRAGMA user_version = 99");
        var before = Hash();
        Refused.With(ConfigurationError.DatabaseSchemaTooNew, () => _temp.Open());
        Assert.Equal(before, Hash());
    }

    [Fact]
    public void Open_GarbageFile_RefusedAsCorruptAndFileUnchanged()
    {
        File.WriteAllText(_temp.DatabasePath, "definitely not SQLite, and worth keeping");
        var before = Hash();
        Refused.With(ConfigurationError.DatabaseCorrupt, () => _temp.Open());
        Assert.Equal(before, Hash());
    }

    [Fact]
    public void Open_DamagedPages_RefusedAsCorrupt()
    {
        _temp.Do(s =>
        {
            for (var i = 0; i < 60; i++) s.CreatePartition($"p{i}", PartitionType.AixLinux);
            return 0;
        });
        var bytes = File.ReadAllBytes(_temp.DatabasePath);
        Assert.True(bytes.Length > 4 * 4096);
        for (var i = 4096; i < bytes.Length; i += 7) bytes[i] ^= 0x5A; // every page after the header page
        File.WriteAllBytes(_temp.DatabasePath, bytes);
        Refused.With(ConfigurationError.DatabaseCorrupt, () => _temp.Open());
        Assert.Equal(bytes, File.ReadAllBytes(_temp.DatabasePath));
    }

    [Fact]
    public void Open_ForeignDatabase_RefusedAsNotVScsi()
    {
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, "CREATE TABLE invoices (id INT)");
        var before = Hash();
        Refused.With(ConfigurationError.DatabaseNotVScsi, () => _temp.Open());
        Assert.Equal(before, Hash());
    }

    [Fact]
    public void Write_LockedLongerThanBusyTimeout_RefusedAsLocked()
    {
        _temp.Do(s => s.GetSystem());
        using var holder = Raw(_temp.DatabasePath);
        Scalar(holder, "BEGIN EXCLUSIVE");
        using var s = _temp.Open(new ManagedSystemOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) });
        Refused.With(ConfigurationError.DatabaseLocked, () => s.CreatePartition("vios1", PartitionType.Vios));
        Scalar(holder, "ROLLBACK");
        Assert.Equal(1, s.CreatePartition("vios1", PartitionType.Vios).Id);
    }
}
