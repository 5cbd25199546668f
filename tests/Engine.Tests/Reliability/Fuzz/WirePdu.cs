using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// A PDU as the fuzzer builds and reads it (RFC 7143 11.2): the 48-byte basic header segment,
/// any additional header segments and the data segment, with the fuzzer's own framing and CRC32C
/// digests so that a defect in the product's codec cannot hide itself from its own tests.
/// </summary>
public sealed class WirePdu
{
    public const int BhsLength = 48;
    public const uint ReservedTag = 0xFFFFFFFF;

    public WirePdu(byte opcode, bool immediate = false, byte flags = 0x80)
    {
        Header[0] = (byte)(opcode | (immediate ? 0x40 : 0));
        Header[1] = flags;
    }

    public WirePdu(byte[] header, byte[] data)
    {
        Header = header;
        Data = data;
    }

    public byte[] Header { get; } = new byte[BhsLength];
    public byte[] Data { get; set; } = [];

    public byte Opcode => (byte)(Header[0] & 0x3F);
    public byte Flags => Header[1];
    public uint Itt { get => U32(16); set => U32(16, value); }

    /// <summary>The login/SCSI response status pair (byte 36-37 of a Login Response, byte 3 of a SCSI Response).</summary>
    public ushort LoginStatus => BinaryPrimitives.ReadUInt16BigEndian(Header.AsSpan(36));

    public uint U32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(Header.AsSpan(offset));
    public void U32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Header.AsSpan(offset), value);
    public void U16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Header.AsSpan(offset), value);
    public void U64(int offset, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Header.AsSpan(offset), value);

    public static int Pad(int n) => (4 - (n & 3)) & 3;

    /// <summary>The bytes on the wire, with the data segment length taken from <see cref="Data"/> and digests as negotiated.</summary>
    public byte[] Encode(bool headerDigest, bool dataDigest)
    {
        var header = (byte[])Header.Clone();
        header[4] = 0;
        header[5] = (byte)(Data.Length >> 16);
        header[6] = (byte)(Data.Length >> 8);
        header[7] = (byte)Data.Length;
        return Frame(header, Data, headerDigest, dataDigest);
    }

    /// <summary>Frames a header exactly as given (lengths untouched, so they may lie) with <paramref name="data"/> after it.</summary>
    public static byte[] Frame(byte[] header, byte[] data, bool headerDigest, bool dataDigest)
    {
        using var ms = new MemoryStream();
        ms.Write(header);
        if (headerDigest) WriteDigest(ms, header);
        ms.Write(data);
        ms.Write(new byte[Pad(data.Length)]);
        if (dataDigest && data.Length > 0)
        {
            var padded = new byte[data.Length + Pad(data.Length)];
            data.CopyTo(padded, 0);
            WriteDigest(ms, padded);
        }
        return ms.ToArray();
    }

    private static void WriteDigest(Stream s, ReadOnlySpan<byte> bytes)
    {
        Span<byte> d = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(d, Crc32C(bytes));
        s.Write(d);
    }

    /// <summary>CRC32C (Castagnoli) as RFC 7143 Appendix B specifies it for digests: initial and final value all ones, least significant byte first on the wire.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>Text keys (RFC 7143 6.1): key=value pairs, each ended by a NUL.</summary>
    public static byte[] Keys(params (string Key, string Value)[] keys) =>
        Encoding.UTF8.GetBytes(string.Concat(keys.Select(k => $"{k.Key}={k.Value}\0")));

    public static Dictionary<string, string> ParseKeys(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Encoding.UTF8.GetString(data).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) result[pair[..eq]] = pair[(eq + 1)..];
        }
        return result;
    }
}
