namespace VScsi.Engine.Backup;

/// <summary>
/// The changed set of one device taken at a snapshot point by <see cref="ChangedBlockTracker.Capture"/>:
/// what an incremental backup stores. It is committed with the backup id on success or abandoned
/// (merged back into the live bitmap) on failure, so no change is ever lost.
/// </summary>
public sealed class CbtCapture
{
    private readonly ChangedBlockTracker _tracker;
    private List<ByteRange>? _ranges;

    internal CbtCapture(ChangedBlockTracker tracker, ulong[] bits, long imageSize, bool trackingValid, Guid baseBackupId, string? lostReason)
    {
        _tracker = tracker;
        Bits = bits;
        ImageSize = imageSize;
        TrackingValid = trackingValid;
        BaseBackupId = baseBackupId;
        LostReason = lostReason;
    }

    internal ulong[] Bits { get; }
    public long ImageSize { get; }
    public bool TrackingValid { get; }
    public Guid BaseBackupId { get; }
    public string? LostReason { get; }

    /// <summary>The changed byte ranges (whole chunks, clipped to the image size), sorted and merged.</summary>
    public IReadOnlyList<ByteRange> Changed => _ranges ??= _tracker.Ranges(Bits, ImageSize);

    public void Commit(Guid backupId) => _tracker.Commit(this, backupId);
    public void Abandon() => _tracker.Abandon(this);
}
