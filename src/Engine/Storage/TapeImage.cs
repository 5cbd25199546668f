using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace VScsi.Engine.Storage;

/// <summary>The medium is full: the record or filemark was not written (SSC VOLUME OVERFLOW).</summary>
public sealed class TapeFullException(string message) : IOException(message);

/// <summary>
/// A tape cartridge in the SIMH tape image format (docs/formats.md), so existing tools read it:
/// each record is its 32-bit little-endian length, the data (padded with one zero byte to an even
/// length), and the length again; a tape mark (filemark) is a zero length word; the end of the
/// file is the end of data. Positions count logical objects (records and filemarks) from the
/// beginning of the tape, as SSC's logical object identifiers do. Writing at a position discards
/// everything after it, as a tape drive does.
/// </summary>
public sealed class TapeImage : IDisposable
{
    private const uint TapeMark = 0x0000_0000;
    private const uint EndOfMedium = 0xFFFF_FFFF;
    private const uint EraseGap = 0xFFFF_FFFE;
    private const uint ClassMask = 0xF000_0000;
    private const int MaxRecord = 0x00FF_FFFF;

    /// <summary>The smallest cartridge offered: room for a few records before early warning.</summary>
    public const long MinCapacity = 1 << 20;

    private readonly SafeFileHandle _handle;
    private readonly List<(long Offset, int Length)> _objects = [];   // Length -1: a filemark
    private long _end;

    private TapeImage(SafeFileHandle handle, string path, long capacity, bool readOnly)
    {
        _handle = handle;
        Path = path;
        Capacity = capacity;
        IsReadOnly = readOnly;
    }

    /// <summary>Creates an empty (blank) cartridge file; an existing file is never overwritten.</summary>
    public static TapeImage Create(string path, long capacity) =>
        Load(File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read), path, capacity, false);

    /// <summary>Opens a cartridge file, indexing its records and filemarks; a damaged file throws <see cref="InvalidDataException"/>.</summary>
    public static TapeImage Open(string path, long capacity, bool readOnly = false) =>
        Load(File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite, readOnly ? FileShare.ReadWrite : FileShare.Read), path, capacity, readOnly);

    private static TapeImage Load(SafeFileHandle handle, string path, long capacity, bool readOnly)
    {
        var image = new TapeImage(handle, path, capacity, readOnly);
        try
        {
            image.Index();
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return image;
    }

    public string Path { get; }

    /// <summary>Bytes the cartridge holds (its native capacity).</summary>
    public long Capacity { get; }

    public bool IsReadOnly { get; }

    /// <summary>Bytes written so far, framing included.</summary>
    public long Used => _end;

    /// <summary>The early-warning zone: the last 5% of the capacity, at most 4 MiB (SSC's programmable early warning).</summary>
    public long EarlyWarning => Capacity - Math.Min(4L << 20, Capacity / 20);

    /// <summary>Whether the data reach the early-warning zone: writes then report EOM (SSC-4 4.2.5).</summary>
    public bool PastEarlyWarning => _end >= EarlyWarning;

    /// <summary>Whether the current position lies past early warning (READ POSITION's BPEW bit, SSC-4 7.7.2).</summary>
    public bool PositionPastEarlyWarning => (AtEndOfData ? _end : _objects[Position].Offset) >= EarlyWarning;

    /// <summary>Logical objects (records and filemarks) before the current position.</summary>
    public int Position { get; private set; }

    /// <summary>Logical objects on the tape; end of data is at this position.</summary>
    public int Count => _objects.Count;

    public bool AtEndOfData => Position == _objects.Count;

    /// <summary>The object at the position: a record's length, -1 for a filemark, null at end of data.</summary>
    public int? Next => AtEndOfData ? null : _objects[Position].Length;

    /// <summary>Filemarks before <paramref name="position"/> (READ POSITION's partition-relative counts use both).</summary>
    public int FilemarksBefore(int position) => _objects.Take(position).Count(o => o.Length < 0);

    private void Index()
    {
        var length = RandomAccess.GetLength(_handle);
        Span<byte> word = stackalloc byte[4];
        long at = 0;
        while (at < length)
        {
            if (length - at < 4) throw Damaged(at, "a partial length word");
            RandomAccess.Read(_handle, word, at);
            var value = BinaryPrimitives.ReadUInt32LittleEndian(word);
            if (value == TapeMark)
            {
                _objects.Add((at, -1));
                at += 4;
                continue;
            }
            if (value == EndOfMedium) break;
            if (value == EraseGap)
            {
                at += 4;
                continue;
            }
            if ((value & ClassMask) != 0) throw Damaged(at, $"a record marked 0x{value:x8} (bad or private data)");
            var recordLength = (int)value;
            var padded = recordLength + (recordLength & 1);
            if (at + 8 + padded > length) throw Damaged(at, $"a record of {recordLength} bytes cut short");
            RandomAccess.Read(_handle, word, at + 4 + padded);
            if (BinaryPrimitives.ReadUInt32LittleEndian(word) != value) throw Damaged(at, "a record whose trailing length differs from its leading length");
            _objects.Add((at, recordLength));
            at += 8 + padded;
        }
        _end = at;
    }

    private InvalidDataException Damaged(long offset, string what) =>
        new($"The tape image {Path} is damaged at byte {offset}: {what}.");

    /// <summary>Reads the record at the position into <paramref name="destination"/> (as much as fits) and moves past it; returns the record's full length.</summary>
    public int ReadRecord(Span<byte> destination)
    {
        if (Next is not int length || length < 0) throw new InvalidOperationException("No record at the current position.");
        var n = Math.Min(length, destination.Length);
        if (n > 0) RandomAccess.Read(_handle, destination[..n], _objects[Position].Offset + 4);
        Position++;
        return length;
    }

    /// <summary>Writes a record at the position (discarding what followed) and moves past it.</summary>
    public void WriteRecord(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data.Length > MaxRecord) throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"A record is 1 to {MaxRecord} bytes.");
        var padded = data.Length + (data.Length & 1);
        var frame = new byte[8 + padded];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)data.Length);
        data.CopyTo(frame.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4 + padded), (uint)data.Length);
        Append(frame, data.Length);
    }

    /// <summary>Writes <paramref name="count"/> filemarks at the position (discarding what followed).</summary>
    public void WriteFilemarks(int count)
    {
        for (var i = 0; i < count; i++) Append(new byte[4], -1);
        if (count == 0) Truncate();
    }

    private void Append(byte[] frame, int length)
    {
        CheckWritable();
        var at = AtEndOfData ? _end : _objects[Position].Offset;
        if (at + frame.Length > Capacity)
            throw new TapeFullException($"The cartridge {System.IO.Path.GetFileName(Path)} is full ({Capacity} bytes).");
        Truncate();
        RandomAccess.Write(_handle, frame, at);
        _objects.Add((at, length));
        _end = at + frame.Length;
        Position++;
    }

    /// <summary>Makes the position the end of data (ERASE, or a write that starts here).</summary>
    public void Truncate()
    {
        CheckWritable();
        if (AtEndOfData) return;
        _end = _objects[Position].Offset;
        _objects.RemoveRange(Position, _objects.Count - Position);
        RandomAccess.SetLength(_handle, _end);
    }

    private void CheckWritable()
    {
        if (IsReadOnly) throw new UnauthorizedAccessException($"The cartridge {Path} is write-protected.");
    }

    /// <summary>Moves to logical object <paramref name="position"/> (0 is the beginning of tape; <see cref="Count"/> is end of data).</summary>
    public void Locate(int position) => Position = Math.Clamp(position, 0, _objects.Count);

    public void Rewind() => Position = 0;

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
