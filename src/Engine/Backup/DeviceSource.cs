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

    private DeviceSource(BackupDevice device, long size, IReadOnlyList<ByteRange> data, CbtCapture changes, DeviceRead read,
        SafeFileHandle? file, ChangedBlockTracker? tracker)
    {
        Device = device;
        Size = size;
        DataExtents = data;
        Changes = changes;
        Read = read;
        _file = file;
        _tracker = tracker;
    }

    public BackupDevice Device { get; }
    public long Size { get; }
    public IReadOnlyList<ByteRange> DataExtents { get; }
    public CbtCapture Changes { get; }
    public DeviceRead Read { get; }

    public static DeviceSource FromSnapshot(BackupDevice device, StoreSnapshot snapshot) =>
        new(device, snapshot.Size, snapshot.DataExtents, snapshot.Changes, snapshot.ReadAsync, null, null);

    public static DeviceSource FromFile(BackupDevice device)
    {
        var file = File.OpenHandle(device.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        try
        {
            var size = SparseFile.Length(file);
            var tracker = ChangedBlockTracker.Open(device.Path, size, tracksWrites: false);
            return new DeviceSource(device, size, Extents(file, size), tracker.Capture(), (o, d, ct) => ReadFileAsync(file, o, d, ct), file, tracker);
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

    private static List<ByteRange> Extents(SafeFileHandle file, long size)
    {
        var result = new List<ByteRange>();
        for (long offset = 0; offset < size;)
        {
            var (data, end) = SparseFile.Extent(file, offset, size);
            end = Math.Min(Math.Max(end, offset + 1), size);
            if (data) result.Add(new ByteRange(offset, end - offset));
            offset = end;
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
