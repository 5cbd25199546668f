using System.Buffers.Binary;
using System.Numerics;
using Microsoft.Win32.SafeHandles;

namespace VScsi.Engine.Backup;

/// <summary>
/// Changed-block tracking for one disk image: a bitmap with one bit per chunk, set by every write
/// and unmap, so an incremental backup reads only what changed since the last backup. The bitmap
/// lives in a side file (<c>&lt;image&gt;.cbt</c>, layout in docs/formats.md) that is marked dirty
/// while open and clean on an orderly close; a file found dirty (a crash), missing, of another
/// geometry, or older than the image (written while nobody tracked) means tracking was lost and the
/// next backup must be full.
/// </summary>
public sealed class ChangedBlockTracker : IDisposable
{
    public const int DefaultChunkSize = 4096;
    public const string Extension = ".cbt";

    private const int HeaderSize = 128;
    private const uint FormatVersion = 1;
    private const int MagicOffset = 0;        // 8 bytes "VSCSICBT"
    private const int VersionOffset = 8;      // u32
    private const int ChunkSizeOffset = 12;   // u32
    private const int ImageSizeOffset = 16;   // u64
    private const int TrackingIdOffset = 24;  // 16 bytes, new each time tracking starts afresh
    private const int BaseBackupOffset = 40;  // 16 bytes, the backup the bitmap counts from
    private const int StateOffset = 56;       // u8
    private const int ImageTimeOffset = 64;   // i64 UTC ticks of the image at the clean close
    private const byte StateDirty = 0;
    private const byte StateClean = 1;
    private static ReadOnlySpan<byte> Magic => "VSCSICBT"u8;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SafeFileHandle _handle;
    private readonly string _imagePath;
    private readonly bool _tracksWrites;
    private bool _committed;
    private ulong[] _bits;
    private Guid _trackingId;
    private bool _disposed;

    private ChangedBlockTracker(SafeFileHandle handle, string imagePath, string path, int chunkSize, long imageSize, bool tracksWrites)
    {
        _handle = handle;
        _imagePath = imagePath;
        _tracksWrites = tracksWrites;
        Path = path;
        ChunkSize = chunkSize;
        ImageSize = imageSize;
        _bits = new ulong[WordsFor(imageSize)];
    }

    public string Path { get; }
    public int ChunkSize { get; }
    public long ImageSize { get; private set; }

    /// <summary>Whether the bitmap holds every change since <see cref="BaseBackupId"/>; false until a full backup commits.</summary>
    public bool TrackingValid { get; private set; }

    /// <summary>Why tracking is not valid (null when it is).</summary>
    public string? LostReason { get; private set; }

    /// <summary>The backup the changes count from: the parent of the next incremental.</summary>
    public Guid BaseBackupId { get; private set; }

    /// <summary>
    /// Opens or creates the tracking file of <paramref name="imagePath"/>. A tracker that
    /// <paramref name="tracksWrites"/> (the image is served) marks the file dirty until disposed, so a
    /// crash loses tracking; one that only backs up an image nobody writes leaves it clean, which
    /// spares the offline incremental two flushes to disk per image.
    /// </summary>
    public static ChangedBlockTracker Open(string imagePath, long imageSize, int chunkSize = DefaultChunkSize, bool tracksWrites = true)
    {
        if (chunkSize <= 0 || !BitOperations.IsPow2(chunkSize))
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "The chunk size must be a power of two.");
        var path = imagePath + Extension;
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var tracker = new ChangedBlockTracker(handle, imagePath, path, chunkSize, imageSize, tracksWrites);
        try
        {
            tracker.Load();
            if (tracksWrites) tracker.Save(StateDirty);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return tracker;
    }

    /// <summary>Marks the chunks touched by a write or unmap of [offset, offset+length).</summary>
    public void Mark(long offset, long length)
    {
        if (length <= 0) return;
        _lock.EnterReadLock();
        try
        {
            var first = offset / ChunkSize;
            var last = Math.Min((offset + length - 1) / ChunkSize, (long)_bits.Length * 64 - 1);
            for (var c = first; c <= last; c++)
            {
                ref var word = ref _bits[c >> 6];
                var bit = 1UL << (int)(c & 63);
                if ((Volatile.Read(ref word) & bit) == 0) Interlocked.Or(ref word, bit);
            }
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Makes room for a grown image (the new chunks count as changed: they were never backed up).</summary>
    public void Grow(long imageSize)
    {
        _lock.EnterWriteLock();
        try
        {
            if (imageSize <= ImageSize) return;
            var bits = new ulong[WordsFor(imageSize)];
            _bits.CopyTo(bits, 0);
            _bits = bits;
            var oldSize = ImageSize;
            ImageSize = imageSize;
            MarkUnlocked(oldSize, imageSize - oldSize);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Takes the changed set and starts a new, empty bitmap in one step (under the write lock, so
    /// no mark falls between the two). Call it at the snapshot point, while writes are paused, so
    /// the captured set matches the snapshot exactly; then <see cref="Commit"/> after the backup
    /// succeeded or <see cref="Abandon"/> to merge the set back.
    /// </summary>
    public CbtCapture Capture()
    {
        _lock.EnterWriteLock();
        try
        {
            var captured = _bits;
            _bits = new ulong[captured.Length];
            return new CbtCapture(this, captured, ImageSize, TrackingValid, BaseBackupId, LostReason);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Records that the backup <paramref name="backupId"/> holds everything up to the capture: tracking is valid from there.</summary>
    public void Commit(CbtCapture capture, Guid backupId)
    {
        ArgumentNullException.ThrowIfNull(capture);
        _lock.EnterWriteLock();
        try
        {
            BaseBackupId = backupId;
            TrackingValid = true;
            LostReason = null;
            SaveUnlocked(_tracksWrites ? StateDirty : StateClean);
            _committed = true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Gives the captured changes back after a failed or cancelled backup, so the next one still sees them.</summary>
    public void Abandon(CbtCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        _lock.EnterWriteLock();
        try
        {
            var n = Math.Min(capture.Bits.Length, _bits.Length);
            for (var i = 0; i < n; i++) _bits[i] |= capture.Bits[i];
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The changed chunks of a bitmap as merged byte ranges, clipped to the image size.</summary>
    internal List<ByteRange> Ranges(ulong[] bits, long imageSize)
    {
        var result = new List<ByteRange>();
        long runStart = -1;
        var chunks = (imageSize + ChunkSize - 1) / ChunkSize;
        for (long c = 0; c <= chunks; c++)
        {
            var set = c < chunks && (c >> 6) < bits.Length && (bits[c >> 6] & (1UL << (int)(c & 63))) != 0;
            if (set && runStart < 0) runStart = c;
            else if (!set && runStart >= 0)
            {
                var start = runStart * ChunkSize;
                result.Add(new ByteRange(start, Math.Min(c * ChunkSize, imageSize) - start));
                runStart = -1;
            }
            if (!set && c < chunks && (c & 63) == 0 && (c >> 6) < bits.Length && bits[c >> 6] == 0) c += 63;
        }
        return result;
    }

    /// <summary>Writes the bitmap as clean with the image's time stamp: the next open trusts it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (_tracksWrites || !_committed) Save(StateClean);   // an offline commit already wrote the clean state
        }
        finally
        {
            _handle.Dispose();
            _lock.Dispose();
        }
    }

    private void MarkUnlocked(long offset, long length)
    {
        for (var c = offset / ChunkSize; c <= (offset + length - 1) / ChunkSize && c < (long)_bits.Length * 64; c++)
            _bits[c >> 6] |= 1UL << (int)(c & 63);
    }

    private void Load()
    {
        var length = RandomAccess.GetLength(_handle);
        if (length == 0) { Lose("no tracking file existed"); return; }
        var header = new byte[HeaderSize];
        if (length < HeaderSize || RandomAccess.Read(_handle, header, 0) < HeaderSize || !header.AsSpan(MagicOffset, 8).SequenceEqual(Magic))
        { Lose("the tracking file is not a tracking file"); return; }
        var h = header.AsSpan();
        if (BinaryPrimitives.ReadUInt32BigEndian(h[VersionOffset..]) != FormatVersion) { Lose("the tracking file has another version"); return; }
        if (BinaryPrimitives.ReadUInt32BigEndian(h[ChunkSizeOffset..]) != ChunkSize) { Lose("the tracking file has another chunk size"); return; }
        if (h[StateOffset] != StateClean) { Lose("the tracking file was not closed cleanly (a crash or a kill)"); return; }
        var size = (long)BinaryPrimitives.ReadUInt64BigEndian(h[ImageSizeOffset..]);
        if (size > ImageSize) { Lose("the image is smaller than when it was tracked"); return; }
        if (BinaryPrimitives.ReadInt64BigEndian(h[ImageTimeOffset..]) != ImageTime()) { Lose("the image changed while nobody tracked it"); return; }
        _trackingId = new Guid(h.Slice(TrackingIdOffset, 16), bigEndian: true);
        BaseBackupId = new Guid(h.Slice(BaseBackupOffset, 16), bigEndian: true);
        var stored = new byte[WordsFor(size) * 8];
        if (RandomAccess.Read(_handle, stored, HeaderSize) < stored.Length) { Lose("the tracking file is truncated"); return; }
        for (var i = 0; i < stored.Length / 8; i++) _bits[i] = BinaryPrimitives.ReadUInt64BigEndian(stored.AsSpan(i * 8));
        if (size < ImageSize) MarkUnlocked(size, ImageSize - size);
        TrackingValid = BaseBackupId != Guid.Empty;
        LostReason = TrackingValid ? null : "no backup has been taken yet";
    }

    private void Lose(string reason)
    {
        _trackingId = Guid.NewGuid();
        BaseBackupId = Guid.Empty;
        TrackingValid = false;
        LostReason = reason;
        Array.Clear(_bits);
    }

    private void Save(byte state)
    {
        _lock.EnterWriteLock();
        try { SaveUnlocked(state); }
        finally { _lock.ExitWriteLock(); }
    }

    private void SaveUnlocked(byte state)
    {
        var buffer = new byte[HeaderSize + _bits.Length * 8];
        var h = buffer.AsSpan();
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt32BigEndian(h[VersionOffset..], FormatVersion);
        BinaryPrimitives.WriteUInt32BigEndian(h[ChunkSizeOffset..], (uint)ChunkSize);
        BinaryPrimitives.WriteUInt64BigEndian(h[ImageSizeOffset..], (ulong)ImageSize);
        _trackingId.TryWriteBytes(h.Slice(TrackingIdOffset, 16), bigEndian: true, out _);
        (TrackingValid ? BaseBackupId : Guid.Empty).TryWriteBytes(h.Slice(BaseBackupOffset, 16), bigEndian: true, out _);
        h[StateOffset] = state;
        BinaryPrimitives.WriteInt64BigEndian(h[ImageTimeOffset..], state == StateClean ? ImageTime() : 0);
        for (var i = 0; i < _bits.Length; i++) BinaryPrimitives.WriteUInt64BigEndian(h[(HeaderSize + i * 8)..], _bits[i]);
        RandomAccess.SetLength(_handle, buffer.Length);
        RandomAccess.Write(_handle, buffer, 0);
        RandomAccess.FlushToDisk(_handle);
    }

    private long ImageTime() => File.Exists(_imagePath) ? File.GetLastWriteTimeUtc(_imagePath).Ticks : 0;

    private long WordsFor(long imageSize) => ((imageSize + ChunkSize - 1) / ChunkSize + 63) / 64;
}
