using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>A protocol violation on a connection: the peer gets a Reject or the connection is dropped.</summary>
public sealed class IscsiProtocolException(string message) : Exception(message);

/// <summary>
/// One iSCSI PDU (RFC 7143 11.2): the 48-byte basic header segment, any additional header
/// segments, and the data segment (in a pooled buffer that <see cref="Dispose"/> returns).
/// Multi-byte fields are big-endian; the accessors name the common ones.
/// </summary>
public sealed class Pdu : IDisposable
{
    public const int BhsLength = 48;
    public const uint ReservedTag = 0xFFFFFFFF;

    private byte[]? _pooled;

    public Pdu(byte opcode)
    {
        Header[0] = opcode;
    }

    internal Pdu(byte[] header, byte[] ahs, byte[]? pooled, int dataLength)
    {
        Header = header;
        Ahs = ahs;
        _pooled = pooled;
        DataLength = dataLength;
    }

    public byte[] Header { get; } = new byte[BhsLength];
    public byte[] Ahs { get; } = [];
    public int DataLength { get; }
    public ReadOnlySpan<byte> Data => _pooled is null ? default : _pooled.AsSpan(0, DataLength);
    public ReadOnlyMemory<byte> DataMemory => _pooled is null ? default : _pooled.AsMemory(0, DataLength);

    /// <summary>True when the data digest did not match (the header was good): the PDU gets a Reject.</summary>
    public bool DataDigestFailed { get; internal init; }

    public byte Opcode => (byte)(Header[0] & 0x3F);
    public bool Immediate { get => (Header[0] & 0x40) != 0; set => Header[0] = (byte)(value ? Header[0] | 0x40 : Header[0] & ~0x40); }
    public byte Flags { get => Header[1]; set => Header[1] = value; }
    public bool Final => (Header[1] & 0x80) != 0;
    public ulong Lun { get => BinaryPrimitives.ReadUInt64BigEndian(Header.AsSpan(8)); set => BinaryPrimitives.WriteUInt64BigEndian(Header.AsSpan(8), value); }
    public uint Itt { get => U32(16); set => U32(16, value); }

    public uint U32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(Header.AsSpan(offset));
    public void U32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Header.AsSpan(offset), value);
    public ushort U16(int offset) => BinaryPrimitives.ReadUInt16BigEndian(Header.AsSpan(offset));
    public void U16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Header.AsSpan(offset), value);

    public static int DataSegmentLengthOf(ReadOnlySpan<byte> header) => (header[5] << 16) | (header[6] << 8) | header[7];

    public void Dispose()
    {
        if (_pooled is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _pooled = null;
    }
}

/// <summary>The framing a connection negotiated: digests and the largest data segment either side accepts.</summary>
public sealed class PduFraming
{
    public bool HeaderDigest { get; set; }
    public bool DataDigest { get; set; }

    /// <summary>The most this side accepts in one data segment (its MaxRecvDataSegmentLength; 8192 until negotiated).</summary>
    public int MaxReceiveSegment { get; set; } = 8192;

    private static int Pad(int n) => (4 - (n & 3)) & 3;

    /// <summary>
    /// Reads one PDU; null at a clean end of stream. A stream that ends inside a PDU, a header
    /// digest error or a data segment over <see cref="MaxReceiveSegment"/> throws
    /// <see cref="IscsiProtocolException"/>; a data digest error marks the PDU instead.
    /// </summary>
    public async ValueTask<Pdu?> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParse(ref buffer, out var pdu))
            {
                reader.AdvanceTo(buffer.Start);
                return pdu;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var partial = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (partial == 0) return null;
                throw new IscsiProtocolException($"The connection ended inside a PDU ({partial} bytes of it).");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryParse(ref ReadOnlySequence<byte> buffer, out Pdu? pdu)
    {
        pdu = null;
        if (buffer.Length < Pdu.BhsLength) return false;
        Span<byte> bhs = stackalloc byte[Pdu.BhsLength];
        buffer.Slice(0, Pdu.BhsLength).CopyTo(bhs);
        var ahsLength = bhs[4] * 4;
        var dataLength = Pdu.DataSegmentLengthOf(bhs);
        if (dataLength > MaxReceiveSegment)
            throw new IscsiProtocolException($"A data segment of {dataLength} bytes is over the negotiated {MaxReceiveSegment}.");
        var headerLength = Pdu.BhsLength + ahsLength;
        var digestLength = HeaderDigest ? 4 : 0;
        var dataDigestLength = DataDigest && dataLength > 0 ? 4 : 0;
        long total = headerLength + digestLength + dataLength + Pad(dataLength) + dataDigestLength;
        if (buffer.Length < total) return false;

        var header = bhs.ToArray();
        var ahs = ahsLength == 0 ? [] : buffer.Slice(Pdu.BhsLength, ahsLength).ToArray();
        if (HeaderDigest)
        {
            var crc = Crc32C.Compute(buffer.Slice(0, headerLength));
            if (crc != ReadDigest(buffer.Slice(headerLength, 4)))
                throw new IscsiProtocolException("Header digest error.");
        }
        var dataStart = headerLength + digestLength;
        byte[]? data = null;
        var digestFailed = false;
        if (dataLength > 0)
        {
            data = ArrayPool<byte>.Shared.Rent(dataLength);
            buffer.Slice(dataStart, dataLength).CopyTo(data);
            if (dataDigestLength > 0)
            {
                var padded = buffer.Slice(dataStart, dataLength + Pad(dataLength));
                digestFailed = Crc32C.Compute(padded) != ReadDigest(buffer.Slice(dataStart + dataLength + Pad(dataLength), 4));
            }
        }
        pdu = new Pdu(header, ahs, data, dataLength) { DataDigestFailed = digestFailed };
        buffer = buffer.Slice(total);
        return true;
    }

    private static uint ReadDigest(ReadOnlySequence<byte> four)
    {
        Span<byte> d = stackalloc byte[4];
        four.CopyTo(d);
        return BinaryPrimitives.ReadUInt32LittleEndian(d);
    }

    /// <summary>Writes one PDU (header, padding, digests) into <paramref name="writer"/> without flushing; sets its DataSegmentLength.</summary>
    public void Write(PipeWriter writer, byte[] header, ReadOnlySpan<byte> data)
    {
        header[4] = 0;
        header[5] = (byte)(data.Length >> 16);
        header[6] = (byte)(data.Length >> 8);
        header[7] = (byte)data.Length;
        var pad = Pad(data.Length);
        var length = Pdu.BhsLength + (HeaderDigest ? 4 : 0) + data.Length + pad + (DataDigest && data.Length > 0 ? 4 : 0);
        var span = writer.GetSpan(length);
        header.CopyTo(span);
        var at = Pdu.BhsLength;
        if (HeaderDigest)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(header));
            at += 4;
        }
        data.CopyTo(span[at..]);
        at += data.Length;
        span.Slice(at, pad).Clear();
        at += pad;
        if (DataDigest && data.Length > 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(span.Slice(at - data.Length - pad, data.Length + pad)));
            at += 4;
        }
        writer.Advance(at);
    }
}
