using VScsi.Engine.Backup;

namespace VScsi.Engine.Tests.Backup;

public sealed class ChangedBlockTrackerTests : IDisposable
{
    private readonly BackupFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public void Open_NoFile_TrackingLost()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using var tracker = ChangedBlockTracker.Open(image, 1 << 20);
        Assert.False(tracker.TrackingValid);
        Assert.NotNull(tracker.LostReason);
    }

    [Fact]
    public void Open_AfterCleanClose_KeepsChangesAndBase()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        var id = Guid.NewGuid();
        using (var tracker = ChangedBlockTracker.Open(image, 1 << 20))
        {
            tracker.Commit(tracker.Capture(), id);
            tracker.Mark(70000, 10);
        }
        using var reopened = ChangedBlockTracker.Open(image, 1 << 20);
        Assert.True(reopened.TrackingValid, reopened.LostReason);
        Assert.Equal(id, reopened.BaseBackupId);
        Assert.Equal([new ByteRange(65536, 65536)], reopened.Capture().Changed);
    }

    [Fact]
    public void Open_DirtyFile_TrackingLost()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using (var tracker = ChangedBlockTracker.Open(image, 1 << 20)) tracker.Commit(tracker.Capture(), Guid.NewGuid());
        var cbt = image + ChangedBlockTracker.Extension;
        var bytes = File.ReadAllBytes(cbt);
        bytes[56] = 0; // the state byte: a crash leaves it dirty
        File.WriteAllBytes(cbt, bytes);
        using var reopened = ChangedBlockTracker.Open(image, 1 << 20);
        Assert.False(reopened.TrackingValid);
        Assert.Contains("not closed cleanly", reopened.LostReason);
    }

    [Fact]
    public void Open_ImageWrittenWhileUntracked_TrackingLost()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using (var tracker = ChangedBlockTracker.Open(image, 1 << 20)) tracker.Commit(tracker.Capture(), Guid.NewGuid());
        File.SetLastWriteTimeUtc(image, DateTime.UtcNow.AddMinutes(5));
        using var reopened = ChangedBlockTracker.Open(image, 1 << 20);
        Assert.False(reopened.TrackingValid);
    }

    [Fact]
    public void Abandon_AfterCapture_ChangesComeBack()
    {
        var image = _fx.CreateImage("a.img", 1 << 20);
        using var tracker = ChangedBlockTracker.Open(image, 1 << 20);
        tracker.Mark(0, 1);
        var capture = tracker.Capture();
        tracker.Mark(1 << 19, 1);
        capture.Abandon();
        Assert.Equal([new ByteRange(0, 65536), new ByteRange(1 << 19, 65536)], tracker.Capture().Changed);
    }
}
