using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace VScsi.Engine.Backup;

/// <summary>
/// Writes a POSIX pax tar stream: every member is a pax extended header ('x') then a ustar header
/// and its data padded to 512 bytes; disk images are GNU sparse 1.0 members (the sparse map in
/// decimal lines at the start of the data, padded to 512, then the data extents back to back) as
/// GNU tar's manual, appendix "Sparse Formats", PAX 1.0, describes. It digests (XXH128) every byte
/// it writes so the end marker can seal the archive.
/// </summary>
internal sealed class TarStreamWriter(Stream output)
{
    private readonly XxHash128 _digest = new();
    private readonly byte[] _block = new byte[TarFormat.BlockSize];
    private long _memberRemaining;
    private long _memberSize;

    public long Position { get; private set; }

    /// <summary>XXH128 of all bytes written so far.</summary>
    public UInt128 Digest => _digest.GetCurrentHashAsUInt128();

    public async ValueTask WriteFileAsync(string name, ReadOnlyMemory<byte> content, DateTimeOffset mtime, CancellationToken cancellationToken)
    {
        await WriteHeadersAsync(name, name, content.Length, mtime, [], cancellationToken).ConfigureAwait(false);
        await WriteDataAsync(content, cancellationToken).ConfigureAwait(false);
        await EndMemberAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a GNU sparse 1.0 member of <paramref name="realSize"/> bytes whose data are <paramref name="extents"/>; write exactly their bytes next, in order.</summary>
    public async ValueTask BeginSparseAsync(string name, long realSize, IReadOnlyList<ByteRange> extents, DateTimeOffset mtime, CancellationToken cancellationToken)
    {
        var map = SparseMap(realSize, extents);
        long data = 0;
        foreach (var e in extents) data += e.Length;
        var slash = name.LastIndexOf('/');
        var placeholder = slash < 0 ? $"GNUSparseFile.0/{name}" : $"{name[..slash]}/GNUSparseFile.0/{name[(slash + 1)..]}";
        var pax = new List<KeyValuePair<string, string>>
        {
            new("GNU.sparse.major", "1"),
            new("GNU.sparse.minor", "0"),
            new("GNU.sparse.name", name),
            new("GNU.sparse.realsize", realSize.ToString(CultureInfo.InvariantCulture)),
        };
        await WriteHeadersAsync(placeholder, null, map.Length + data, mtime, pax, cancellationToken).ConfigureAwait(false);
        await WriteDataAsync(map, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WriteDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length > _memberRemaining) throw new InvalidOperationException("More data than the member's size.");
        await RawAsync(data, cancellationToken).ConfigureAwait(false);
        _memberRemaining -= data.Length;
    }

    public async ValueTask EndMemberAsync(CancellationToken cancellationToken)
    {
        if (_memberRemaining != 0) throw new InvalidOperationException($"The member is {_memberRemaining} bytes short.");
        var pad = (int)TarFormat.Padding(_memberSize);
        if (pad > 0)
        {
            Array.Clear(_block);
            await RawAsync(_block.AsMemory(0, pad), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The end-of-archive indicator: two zero blocks (POSIX ustar).</summary>
    public async ValueTask WriteEndOfArchiveAsync(CancellationToken cancellationToken)
    {
        Array.Clear(_block);
        await RawAsync(_block, cancellationToken).ConfigureAwait(false);
        await RawAsync(_block, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GNU sparse 1.0 map: entry count, then offset and size per entry, one decimal per line, padded with NULs to 512. A final empty entry at the real size makes tar extend the file past a trailing hole.</summary>
    internal static byte[] SparseMap(long realSize, IReadOnlyList<ByteRange> extents)
    {
        var entries = new List<ByteRange>(extents);
        if (entries.Count == 0 || entries[^1].End < realSize) entries.Add(new ByteRange(realSize, 0));
        var sb = new StringBuilder();
        sb.Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var e in entries)
            sb.Append(e.Offset.ToString(CultureInfo.InvariantCulture)).Append('\n').Append(e.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var text = Encoding.ASCII.GetBytes(sb.ToString());
        var map = new byte[text.Length + TarFormat.Padding(text.Length)];
        text.CopyTo(map, 0);
        return map;
    }

    private async ValueTask WriteHeadersAsync(string headerName, string? path, long size, DateTimeOffset mtime, List<KeyValuePair<string, string>> pax, CancellationToken cancellationToken)
    {
        if (_memberRemaining != 0) throw new InvalidOperationException("The previous member is unfinished.");
        var seconds = mtime.ToUnixTimeSeconds();
        if (path is not null) pax.Insert(0, new("path", path));
        pax.Add(new("mtime", seconds.ToString(CultureInfo.InvariantCulture)));
        if (TarFormat.NeedsPaxSize(size)) pax.Add(new("size", size.ToString(CultureInfo.InvariantCulture)));
        var records = TarFormat.PaxRecords(pax);
        var paxName = $"PaxHeaders/{Path.GetFileName(headerName)}";
        TarFormat.WriteHeader(_block, paxName.Length > 100 ? paxName[..100] : paxName, records.Length, TarFormat.TypePax, seconds);
        await RawAsync(_block, cancellationToken).ConfigureAwait(false);
        await RawAsync(records, cancellationToken).ConfigureAwait(false);
        var pad = (int)TarFormat.Padding(records.Length);
        Array.Clear(_block);
        if (pad > 0) await RawAsync(_block.AsMemory(0, pad), cancellationToken).ConfigureAwait(false);
        TarFormat.WriteHeader(_block, headerName, size, TarFormat.TypeRegular, seconds);
        await RawAsync(_block, cancellationToken).ConfigureAwait(false);
        _memberSize = size;
        _memberRemaining = size;
    }

    private async ValueTask RawAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _digest.Append(data.Span);
        await output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        Position += data.Length;
    }
}
