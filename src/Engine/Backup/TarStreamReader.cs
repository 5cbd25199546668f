using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace VScsi.Engine.Backup;

/// <summary>One member as the reader sees it: its real name, data size, and the GNU sparse 1.0 facts if any.</summary>
internal sealed record TarMember(string Name, long Size, IReadOnlyDictionary<string, string> Pax, UInt128 DigestBefore)
{
    public bool IsSparse => Pax.TryGetValue("GNU.sparse.major", out var major) && major == "1";
    public long RealSize => Pax.TryGetValue("GNU.sparse.realsize", out var s) ? long.Parse(s, CultureInfo.InvariantCulture) : Size;
}

/// <summary>
/// Streams a pax tar (from a file or a zstd decoder, never seeking): pax 'x' headers apply to the
/// next member, 'g' headers are skipped, a zero block ends the archive. It digests every byte
/// consumed, and <see cref="TarMember.DigestBefore"/> is the digest of everything before a member,
/// which the end marker's seal is checked against. A short read anywhere is a
/// <see cref="EndOfStreamException"/>: a truncated archive never reads as complete.
/// </summary>
internal sealed class TarStreamReader(Stream input)
{
    private readonly XxHash128 _digest = new();
    private readonly byte[] _block = new byte[TarFormat.BlockSize];
    private long _remaining;
    private long _padding;

    public long Position { get; private set; }

    /// <summary>The next member, or null at the end-of-archive zero block.</summary>
    public async ValueTask<TarMember?> NextAsync(CancellationToken cancellationToken)
    {
        await SkipRestAsync(cancellationToken).ConfigureAwait(false);
        var before = _digest.GetCurrentHashAsUInt128();
        Dictionary<string, string>? pax = null;
        while (true)
        {
            await ReadExactAsync(_block, cancellationToken).ConfigureAwait(false);
            if (TarFormat.IsZeroBlock(_block)) return null;
            var (name, size, type) = TarFormat.ParseHeader(_block);
            if (type is TarFormat.TypePax or TarFormat.TypePaxGlobal)
            {
                var data = new byte[size + TarFormat.Padding(size)];
                await ReadExactAsync(data, cancellationToken).ConfigureAwait(false);
                var records = TarFormat.ParsePax(data.AsSpan(0, (int)size));
                if (type == TarFormat.TypePax) pax = records;
                continue;
            }
            pax ??= new Dictionary<string, string>(StringComparer.Ordinal);
            if (pax.TryGetValue("size", out var paxSize)) size = long.Parse(paxSize, CultureInfo.InvariantCulture);
            if (pax.TryGetValue("GNU.sparse.name", out var sparseName)) name = sparseName;
            else if (pax.TryGetValue("path", out var path)) name = path;
            _remaining = size;
            _padding = TarFormat.Padding(size);
            return new TarMember(name, size, pax, before);
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length of the current member's data; 0 at its end.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var n = (int)Math.Min(buffer.Length, _remaining);
        if (n == 0) return 0;
        await ReadExactAsync(buffer[..n], cancellationToken).ConfigureAwait(false);
        _remaining -= n;
        return n;
    }

    public async ValueTask<byte[]> ReadAllAsync(int limit, CancellationToken cancellationToken)
    {
        if (_remaining > limit) throw new InvalidDataException($"A member of {_remaining} bytes is larger than the {limit} allowed.");
        var data = new byte[_remaining];
        await ReadAsync(data, cancellationToken).ConfigureAwait(false);
        return data;
    }

    /// <summary>Parses the GNU sparse 1.0 map at the start of a sparse member's data (decimal lines, padded to 512).</summary>
    public async ValueTask<List<ByteRange>> ReadSparseMapAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var lines = new List<long>();
        long expected = -1;
        while (expected < 0 || lines.Count < 1 + 2 * expected)
        {
            if (await ReadAsync(_block, cancellationToken).ConfigureAwait(false) != TarFormat.BlockSize)
                throw new InvalidDataException("The sparse map is cut short.");
            foreach (var b in _block)
            {
                if (b != (byte)'\n') { text.Append((char)b); continue; }
                if (!long.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    throw new InvalidDataException("The sparse map holds something that is not a number.");
                text.Clear();
                lines.Add(value);
                if (lines.Count == 1) expected = value;
                if (expected >= 0 && lines.Count == 1 + 2 * expected) break;
            }
        }
        var map = new List<ByteRange>((int)expected);
        for (var i = 0; i < expected; i++) map.Add(new ByteRange(lines[1 + 2 * i], lines[2 + 2 * i]));
        return map;
    }

    private async ValueTask SkipRestAsync(CancellationToken cancellationToken)
    {
        var skip = _remaining + _padding;
        _remaining = 0;
        _padding = 0;
        var buffer = skip > TarFormat.BlockSize ? new byte[Math.Min(skip, 1 << 20)] : _block;
        while (skip > 0)
        {
            var n = (int)Math.Min(buffer.Length, skip);
            await ReadExactAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            skip -= n;
        }
    }

    private async ValueTask ReadExactAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = await input.ReadAsync(buffer[done..], cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException($"The archive ends at byte {Position + done}, in the middle of a member.");
            done += n;
        }
        _digest.Append(buffer.Span);
        Position += buffer.Length;
    }
}
