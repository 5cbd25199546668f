using VScsi.Engine.Backup;

namespace VScsi.Engine.Tests.Backup;

public sealed class ChangedBlockTrackerTests : IDisposable
{
    /// <summary>The expectations below count 64 KiB chunks (the logic does not depend on the default).</summary>
    private const int Chunk = 64 * 1024;

    private readonly BackupFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public void Open_NoFile_TrackingLost()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using var tracker = ChangedBlockTracker.Open(image, 1 << 20, Chunk);
        Assert.False(tracker.TrackingValid);
        Assert.NotNull(tracker.LostReason);
    }

    [Fact]
    public void Open_OfflineBackupCommit_LeavesTheFileCleanWithTheNewBase()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using (var first = ChangedBlockTracker.Open(image, 1 << 20, Chunk)) first.Commit(first.Capture(), Guid.NewGuid());
        var id = Guid.NewGuid();
        using (var offline = ChangedBlockTracker.Open(image, 1 << 20, Chunk, tracksWrites: false))
            offline.Commit(offline.Capture(), id);
        using var again = ChangedBlockTracker.Open(image, 1 << 20, Chunk);
        Assert.True(again.TrackingValid, again.LostReason);
        Assert.Equal(id, again.BaseBackupId);
        Assert.Empty(again.Capture().Changed);
    }

    [Fact]
    public void Open_AfterCleanClose_KeepsChangesAndBase()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        var id = Guid.NewGuid();
        using (var tracker = ChangedBlockTracker.Open(image, 1 << 20, Chunk))
        {
            tracker.Commit(tracker.Capture(), id);
            tracker.Mark(70000, 10);
        }
        using var reopened = ChangedBlockTracker.Open(image, 1 << 20, Chunk);
        Assert.True(reopened.TrackingValid, reopened.LostReason);
        Assert.Equal(id, reopened.BaseBackupId);
        Assert.Equal([new ByteRange(65536, 65536)], reopened.Capture().Changed);
    }

    [Fact]
    public void Open_DirtyFile_TrackingLost()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using (var tracker = ChangedBlockTracker.Open(image, 1 << 20, Chunk)) tracker.Commit(tracker.Capture(), Guid.NewGuid());
        var cbt = image + ChangedBlockTracker.Extension;
        var bytes = File.ReadAllBytes(cbt);
        bytes[56] = 0; // the state byte: a crash leaves it dirty
        File.WriteAllBytes(cbt, bytes);
        using var reopened = ChangedBlockTracker.Open(image, 1 << 20, Chunk);
        Assert.False(reopened.TrackingValid);
        Assert.Contains("not closed cleanly", reopened.LostReason);
    }

    [Fact]
    public void Open_ImageWrittenWhileUntracked_TrackingLost()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using (var tracker = ChangedBlockTracker.Open(image, 1 << 20, Chunk)) tracker.Commit(tracker.Capture(), Guid.NewGuid());
        File.SetLastWriteTimeUtc(image, DateTime.UtcNow.AddMinutes(5));
        using var reopened = ChangedBlockTracker.Open(image, 1 << 20, Chunk);
        Assert.False(reopened.TrackingValid);
    }

    [Fact]
    public void Abandon_AfterCapture_ChangesComeBack()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using var tracker = ChangedBlockTracker.Open(image, 1 << 20, Chunk);
        tracker.Mark(0, 1);
        var capture = tracker.Capture();
        tracker.Mark(1 << 19, 1);
        capture.Abandon();
        Assert.Equal([new ByteRange(0, 65536), new ByteRange(1 << 19, 65536)], tracker.Capture().Changed);
    }
}
