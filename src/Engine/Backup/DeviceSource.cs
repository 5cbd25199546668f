using Microsoft.Win32.SafeHandles;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Backup;

/// <summary>
/// A device's point-in-time content for the writer: a live store's snapshot, or an offline image
/// file read directly (its data extents found with SEEK_DATA/SEEK_HOLE) with its tracker opened
/// for the duration of the backup.
/// </summary>
internal sealed class DeviceSource : IDisposable
{
    private readonly SafeFileHandle? _file;
    private readonly ChangedBlockTracker? _tracker;
    private bool _committed;

    private readonly Func<IReadOnlyList<ByteRange>, List<ByteRange>> _dataWithin;

    private DeviceSource(BackupDevice device, long size, Func<IReadOnlyList<ByteRange>, List<ByteRange>> dataWithin, CbtCapture changes, DeviceRead read,
        SafeFileHandle? file, ChangedBlockTracker? tracker)
    {
        Device = device;
        Size = size;
        _dataWithin = dataWithin;
        Changes = changes;
        Read = read;
        _file = file;
        _tracker = tracker;
    }

    public BackupDevice Device { get; }
    public long Size { get; }
    /// <summary>
    /// The data extents (not holes) inside sorted, disjoint <paramref name="ranges"/>, as of the
    /// snapshot point or asked of the file (SEEK_DATA/SEEK_HOLE), only where the ranges are, so an
    /// incremental of a large, fragmented image does not walk all of it.
    /// </summary>
    public List<ByteRange> DataWithin(IReadOnlyList<ByteRange> ranges) => _dataWithin(ranges);

    /// <summary>Every data extent of the device.</summary>
    public List<ByteRange> DataExtents() => DataWithin([new ByteRange(0, Size)]);
    public CbtCapture Changes { get; }
    public DeviceRead Read { get; }

    public static DeviceSource FromSnapshot(BackupDevice device, StoreSnapshot snapshot) =>
        new(device, snapshot.Size, snapshot.DataWithin, snapshot.Changes, snapshot.ReadAsync, null, null);

    public static DeviceSource FromFile(BackupDevice device)
    {
        var file = File.OpenHandle(device.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        try
        {
            var size = SparseFile.Length(file);
            var tracker = ChangedBlockTracker.Open(device.Path, size, tracksWrites: false);
            return new DeviceSource(device, size, r => FileDataWithin(file, size, r), tracker.Capture(), (o, d, ct) => ReadFileAsync(file, o, d, ct), file, tracker);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Commit(Guid backupId)
    {
        if (_tracker is null) return;
        Changes.Commit(backupId);
        _committed = true;
    }

    public void Dispose()
    {
        if (_tracker is not null)
        {
            if (!_committed) Changes.Abandon();
            _tracker.Dispose();
        }
        _file?.Dispose();
    }

    /// <summary>One pass over the ranges; an extent the file reported is reused for the ranges it spans.</summary>
    private static List<ByteRange> FileDataWithin(SafeFileHandle file, long size, IReadOnlyList<ByteRange> ranges)
    {
        var result = new List<ByteRange>();
        long knownStart = 0, knownEnd = 0;
        var knownData = false;
        foreach (var r in ranges)
        {
            var rangeEnd = Math.Min(r.End, size);
            for (var offset = r.Offset; offset < rangeEnd;)
            {
                if (offset < knownStart || offset >= knownEnd)
                {
                    (knownData, knownEnd) = SparseFile.Extent(file, offset, size);
                    knownEnd = Math.Min(Math.Max(knownEnd, offset + 1), size);
                    knownStart = offset;
                }
                var end = Math.Min(knownEnd, rangeEnd);
                if (knownData)
                {
                    if (result.Count > 0 && result[^1].End == offset) result[^1] = new ByteRange(result[^1].Offset, end - result[^1].Offset);
                    else result.Add(new ByteRange(offset, end - offset));
                }
                offset = end;
            }
        }
        return result;
    }

    /// <summary>Reads what the page cache holds on this thread (preadv2 RWF_NOWAIT), the rest asynchronously.</summary>
    private static async ValueTask ReadFileAsync(SafeFileHandle file, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var done = CachedRead.TryRead(file, destination.Span, offset);
        while (done < destination.Length)
        {
            var n = await RandomAccess.ReadAsync(file, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                destination.Span[done..].Clear();
                return;
            }
            done += n;
        }
    }
}
