using System.Text;

namespace VScsi.Engine.Backup;

/// <summary>
/// The POSIX ustar header block and pax extended-header records (POSIX.1-2001, pax "Extended
/// Header" and "ustar Interchange Format"), written and parsed field by field.
/// </summary>
internal static class TarFormat
{
    public const int BlockSize = 512;
    public const byte TypeRegular = (byte)'0';
    public const byte TypePax = (byte)'x';
    public const byte TypePaxGlobal = (byte)'g';

    private const int NameOffset = 0, NameLength = 100;
    private const int ModeOffset = 100;
    private const int UidOffset = 108;
    private const int GidOffset = 116;
    private const int SizeOffset = 124, SizeLength = 12;
    private const int MtimeOffset = 136;
    private const int ChecksumOffset = 148, ChecksumLength = 8;
    private const int TypeOffset = 156;
    private const int MagicOffset = 257;
    private const int UnameOffset = 265;
    private const int GnameOffset = 297;
    private const int PrefixOffset = 345, PrefixLength = 155;
    private const long MaxOctalSize = 077777777777; // 11 octal digits
    private static ReadOnlySpan<byte> UstarMagic => "ustar\u000000"u8;

    public static long Padding(long size) => (BlockSize - size % BlockSize) % BlockSize;

    /// <summary>Fills a ustar header; sizes beyond 11 octal digits go in the pax "size" record instead (header size 0).</summary>
    public static void WriteHeader(Span<byte> block, string name, long size, byte type, long mtime)
    {
        block[..BlockSize].Clear();
        var nameBytes = Encoding.UTF8.GetBytes(name);
        nameBytes.AsSpan(0, Math.Min(nameBytes.Length, NameLength)).CopyTo(block[NameOffset..]);
        Octal(block.Slice(ModeOffset, 8), 0644);
        Octal(block.Slice(UidOffset, 8), 0);
        Octal(block.Slice(GidOffset, 8), 0);
        Octal(block.Slice(SizeOffset, SizeLength), size <= MaxOctalSize ? size : 0);
        Octal(block.Slice(MtimeOffset, 12), mtime);
        block[TypeOffset] = type;
        UstarMagic.CopyTo(block[MagicOffset..]);
        "root"u8.CopyTo(block[UnameOffset..]);
        "root"u8.CopyTo(block[GnameOffset..]);
        block.Slice(ChecksumOffset, ChecksumLength).Fill((byte)' ');
        var sum = 0;
        foreach (var b in block[..BlockSize]) sum += b;
        Octal(block.Slice(ChecksumOffset, 7), sum);
        block[ChecksumOffset + 7] = (byte)' ';
    }

    public static bool NeedsPaxSize(long size) => size > MaxOctalSize;

    /// <summary>Pax records "%d %s=%s\n", where the decimal length counts the whole record including itself.</summary>
    public static byte[] PaxRecords(IEnumerable<KeyValuePair<string, string>> records)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 3; // ' ', '=', '\n'
            var length = body + Digits(body);
            if (Digits(length) != Digits(body)) length = body + Digits(length);
            sb.Append(length).Append(' ').Append(key).Append('=').Append(value).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static Dictionary<string, string> ParsePax(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (data.Length > 0 && data[0] != 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(Encoding.ASCII.GetString(data[..space]), out var length) || length > data.Length || length <= space + 1)
                throw new InvalidDataException("A pax extended header record is malformed.");
            var record = Encoding.UTF8.GetString(data.Slice(space + 1, length - space - 2));
            var eq = record.IndexOf('=');
            if (eq <= 0) throw new InvalidDataException("A pax extended header record has no '='.");
            result[record[..eq]] = record[(eq + 1)..];
            data = data[length..];
        }
        return result;
    }

    /// <summary>Parses a header block: name (prefix/name), size, type; throws on a bad checksum.</summary>
    public static (string Name, long Size, byte Type) ParseHeader(ReadOnlySpan<byte> block)
    {
        long stored = ParseOctal(block.Slice(ChecksumOffset, ChecksumLength));
        long sum = 0;
        for (var i = 0; i < BlockSize; i++) sum += i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? ' ' : block[i];
        if (sum != stored) throw new InvalidDataException("A tar header's checksum does not match.");
        if (!block.Slice(MagicOffset, 5).SequenceEqual("ustar"u8)) throw new InvalidDataException("A tar header is not a ustar header.");
        var name = CString(block.Slice(NameOffset, NameLength));
        var prefix = CString(block.Slice(PrefixOffset, PrefixLength));
        return (prefix.Length > 0 ? prefix + "/" + name : name, ParseOctal(block.Slice(SizeOffset, SizeLength)), block[TypeOffset]);
    }

    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block[..BlockSize].ContainsAnyExcept((byte)0);

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static void Octal(Span<byte> field, long value)
    {
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--, value >>= 3) field[i] = (byte)('0' + (value & 7));
        field[digits] = 0;
    }

    private static long ParseOctal(ReadOnlySpan<byte> field)
    {
        long value = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ') { if (value != 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') throw new InvalidDataException("A tar header number is not octal.");
            value = value * 8 + (b - '0');
        }
        return value;
    }

    private static int Digits(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
}
