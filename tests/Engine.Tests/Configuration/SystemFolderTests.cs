using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>
/// The system folder (issue 11, items 4 and 8): which paths hold a system, opening without creating,
/// and what deleting a system removes and keeps.
/// </summary>
public sealed class SystemFolderTests : IDisposable
{
    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ConfigurationError ErrorOf(Action act) => Assert.Throws<ConfigurationException>(act).Error;

    [Fact]
    public void Open_PathIsAFile_ThrowsSystemPathNotAFolderAndKeepsTheFile()
    {
        var file = Path.Combine(_temp.Folder, "a-file");
        File.WriteAllText(file, "mine");
        Assert.Equal(ConfigurationError.SystemPathNotAFolder, ErrorOf(() => ManagedSystem.Open(file).Dispose()));
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public void Open_FolderUnderAFile_ThrowsSystemPathUnreadable()
    {
        var file = Path.Combine(_temp.Folder, "a-file");
        File.WriteAllText(file, "mine");
        Assert.Equal(ConfigurationError.SystemPathUnreadable, ErrorOf(() => ManagedSystem.Open(Path.Combine(file, "sys")).Dispose()));
    }

    [Fact]
    public void OpenExisting_MissingOrEmptyFolder_ThrowsSystemNotFoundAndCreatesNothing()
    {
        var missing = Path.Combine(_temp.Folder, "missing");
        Assert.Equal(ConfigurationError.SystemNotFound, ErrorOf(() => ManagedSystem.OpenExisting(missing).Dispose()));
        Assert.False(Directory.Exists(missing));
        Assert.Equal(ConfigurationError.SystemNotFound, ErrorOf(() => ManagedSystem.OpenExisting(_temp.Folder).Dispose()));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Folder));
    }

    [Fact]
    public void Inspect_EachKindOfFolder_SaysWhatItHolds()
    {
        Assert.Equal(SystemFolderState.Missing, ManagedSystem.Inspect(Path.Combine(_temp.Folder, "missing")));
        Assert.Equal(SystemFolderState.Empty, ManagedSystem.Inspect(_temp.Folder));
        File.WriteAllText(Path.Combine(_temp.Folder, "notes.txt"), "mine");
        Assert.Equal(SystemFolderState.OtherFiles, ManagedSystem.Inspect(_temp.Folder));
        Assert.Equal(ConfigurationError.SystemFolderNotEmpty, ErrorOf(() => ManagedSystem.RequireCreatable(_temp.Folder)));
        _temp.Do(s => s.GetSystem());
        Assert.Equal(SystemFolderState.System, ManagedSystem.Inspect(_temp.Folder));
    }

    [Fact]
    public void Create_ExistingSystem_ThrowsSystemExistsAndKeepsIt()
    {
        var serial = _temp.Do(s => s.GetSystem().Serial);
        Assert.Equal(ConfigurationError.SystemExists, ErrorOf(() => ManagedSystem.Create(_temp.Folder).Dispose()));
        Assert.Equal(serial, _temp.Do(s => s.GetSystem().Serial));
    }

    [Fact]
    public void Delete_StorageInsideAndOutside_RemovesWhatIsInsideAndKeepsTheRest()
    {
        var sys = Path.Combine(_temp.Folder, "sys");
        var outside = Path.Combine(_temp.Folder, "outside.img");
        using (var s = ManagedSystem.Create(sys))
        {
            s.CreatePartition("vios1", PartitionType.Vios);
            s.CreateVirtualDisk("vios1", "inside", Path.Combine(sys, "inside.img"), 1 << 20);
            s.CreateVirtualDisk("vios1", "outside", outside, 1 << 20);
        }
        File.WriteAllText(Path.Combine(sys, "inside.img.cbt"), "its changed-block map, written while served");
        File.WriteAllText(Path.Combine(sys, "notes.txt"), "mine");
        var left = ManagedSystem.Delete(sys);
        Assert.Equal([Path.Combine(sys, "notes.txt")], left);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(sys).Select(Path.GetFileName));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public async Task RemoveAsync_PartitionServedByAnotherHolder_ThrowsSystemServedElsewhereAndDeletesNothing()
    {
        int id;
        using (var s = ManagedSystem.Create(_temp.Folder))
            id = s.CreatePartition("vios1", PartitionType.Vios).Id;
        using var held = ServingLock.TryAcquire(_temp.Folder, id);   // as another process's serving lock
        Assert.NotNull(held);
        await using var registry = new ServingRegistry();
        var e = await Assert.ThrowsAsync<ServingException>(() => SystemRemoval.RemoveAsync(registry, _temp.Folder));
        Assert.Equal("SystemServedElsewhere", e.Error);
        Assert.True(File.Exists(_temp.DatabasePath));
    }
}
