using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// CRC32C (Castagnoli), the iSCSI header and data digest (RFC 7143 13.1), on the CPU's CRC32
/// instructions through <see cref="BitOperations.Crc32C(uint, ulong)"/> (SSE 4.2 / ARMv8), eight bytes a step.
/// </summary>
public static class Crc32C
{
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);

    public static uint Compute(in ReadOnlySequence<byte> data)
    {
        var crc = ~0u;
        foreach (var segment in data) crc = Append(crc, segment.Span);
        return ~crc;
    }
}
