using Microsoft.Data.Sqlite;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>
/// Issue 10 defect 5 and item 5: only a missing system.db is a new system. An empty file, a directory,
/// another program's file, a truncated or damaged database each get their own error id, and the folder
/// keeps every byte and timestamp.
/// </summary>
public sealed partial class SystemDatabaseTests
{
    [Fact]
    public void Open_ZeroLengthFile_DatabaseEmptyFileUnchanged()
    {
        File.WriteAllBytes(_temp.DatabasePath, []);
        File.SetLastWriteTimeUtc(_temp.DatabasePath, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseEmpty);
        Assert.Contains("empty", e.Message);
        Assert.Equal(0, new FileInfo(_temp.DatabasePath).Length);
    }

    [Fact]
    public void Open_ZeroLengthFileOfAPopulatedSystem_EveryOpenRefusedNoneRecreates()
    {
        CreateSampleData(2);
        foreach (var f in Directory.GetFiles(_temp.Folder)) File.Delete(f);
        File.WriteAllBytes(_temp.DatabasePath, []);   // what a truncation leaves
        for (var i = 0; i < 3; i++) AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseEmpty);
    }

    [Fact]
    public void Open_DirectoryNamedSystemDb_DatabaseNotAFile()
    {
        Directory.CreateDirectory(_temp.DatabasePath);
        File.WriteAllText(Path.Combine(_temp.DatabasePath, "keep.txt"), "mine");
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseNotAFile);
        Assert.Contains("directory", e.Message);
    }

    [Fact]
    public void Open_DanglingLink_DatabaseNotAFileNothingCreatedAtItsTarget()
    {
        var target = Path.Combine(_temp.Folder, "gone.db");
        File.CreateSymbolicLink(_temp.DatabasePath, target);
        AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseNotAFile);
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("definitely not SQLite, and worth keeping")]
    [InlineData("abc")]
    [InlineData("{\"partitions\": []}")]
    public void Open_AnotherProgramsFile_DatabaseNotSqliteFileUnchanged(string content)
    {
        File.WriteAllText(_temp.DatabasePath, content);
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseNotSqlite);
        Assert.Contains("not an SQLite database", e.Message);
    }

    [Theory]
    [InlineData("SQLite format 3")]                              // the header's first 15 bytes, then nothing
    [InlineData("SQLite format 3\0 and then the file ends")]      // shorter than the 100-byte header
    public void Open_TruncatedHeader_DatabaseCorruptFileUnchanged(string content)
    {
        File.WriteAllText(_temp.DatabasePath, content);
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseCorrupt);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(2)]       // whole pages missing at the end
    [InlineData(1.5)]     // cut in the middle of a page
    public void Open_TruncatedDatabase_DatabaseCorruptFileUnchanged(double pagesCut)
    {
        CreateSampleData(120);
        SqliteConnection.ClearAllPools();
        var pageSize = Convert.ToInt32(Scalar("PRAGMA page_size"));
        Assert.False(File.Exists(_temp.DatabasePath + "-wal"), "checkpointed on close");
        var bytes = File.ReadAllBytes(_temp.DatabasePath);
        File.WriteAllBytes(_temp.DatabasePath, bytes[..(bytes.Length - (int)(pagesCut * pageSize))]);
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseCorrupt);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Open_SqliteOfAnotherApplicationId_DatabaseNotVScsi()
    {
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, "PRAGMA application_id = 1179403335; CREATE TABLE system (x INTEGER)");
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseNotVScsi);
        Assert.Contains("application id 0x464C4447", e.Message);
    }

    [Fact]
    public void Open_ForeignSqliteWithAUserVersion_DatabaseNotVScsi()
    {
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, "CREATE TABLE invoices (id INTEGER PRIMARY KEY); PRAGMA user_version = 2");
        var e = AssertOpenRefusedLeavingFilesAlone(ConfigurationError.DatabaseNotVScsi);
        Assert.Contains("did not create", e.Message);
    }

    [Fact]
    public void Open_NewSystem_CarriesTheVScsiApplicationIdAndLeavesNoBuildingFile()
    {
        _temp.Do(s => s.GetSystem());
        Assert.Equal(0x56534353L, Scalar("PRAGMA application_id"));
        Assert.DoesNotContain(Directory.GetFiles(_temp.Folder), f => f.Contains(".new-", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_DatabaseOfAnEarlierBuildWithoutApplicationId_StillOpens()
    {
        _temp.Do(s => s.CreatePartition("vios1", PartitionType.Vios));
        using (var c = Raw(_temp.DatabasePath)) Scalar(c, "PRAGMA application_id = 0");
        Assert.Equal("vios1", _temp.Do(s => s.GetPartition("vios1")).Name);
    }
}
