using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// One raw initiator connection: sends whatever bytes a case builds, reads PDUs with a hang guard,
/// and keeps the session numbers a logged-in case needs (CmdSN, ExpStatSN, digests).
/// </summary>
public sealed class FuzzWire : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private FuzzWire(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public bool HeaderDigest { get; set; }
    public bool DataDigest { get; set; }
    public uint CmdSn { get; set; }
    public uint ExpStatSn { get; set; }
    public uint Itt { get; set; } = 1;
    public int MaxRecvDataSegment { get; set; } = 8192;

    /// <summary>How many PDUs and bytes this connection sent.</summary>
    public int PdusSent { get; private set; }
    public long BytesSent { get; private set; }

    public static async Task<FuzzWire> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new FuzzWire(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        PdusSent++;
        BytesSent += bytes.Length;
    }

    /// <summary>Sends a well-framed PDU with the session's digests; ExpStatSN is filled in for initiator PDUs that carry it.</summary>
    public Task SendAsync(WirePdu pdu, CancellationToken cancellationToken)
    {
        if (pdu.Opcode != 0x05) pdu.U32(28, ExpStatSn);
        return SendRawAsync(pdu.Encode(HeaderDigest, DataDigest), cancellationToken);
    }

    /// <summary>Stops sending (TCP FIN): a target that was waiting for the rest of a PDU must now end the connection.</summary>
    public void HalfClose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>The next PDU; null when the target closed the connection. Throws <see cref="TimeoutException"/> past the guard.</summary>
    public async Task<WirePdu?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var header = new byte[WirePdu.BhsLength];
            if (!await ReadAsync(header, cts.Token).ConfigureAwait(false)) return null;
            var ahs = header[4] * 4;
            var length = (header[5] << 16) | (header[6] << 8) | header[7];
            var rest = ahs + (HeaderDigest ? 4 : 0);
            if (rest > 0 && !await ReadAsync(new byte[rest], cts.Token).ConfigureAwait(false)) return null;
            var data = new byte[length];
            if (length > 0)
            {
                if (!await ReadAsync(data, cts.Token).ConfigureAwait(false)) return null;
                var trailer = WirePdu.Pad(length) + (DataDigest ? 4 : 0);
                if (trailer > 0 && !await ReadAsync(new byte[trailer], cts.Token).ConfigureAwait(false)) return null;
            }
            var pdu = new WirePdu(header, data);
            if (pdu.Opcode is 0x21 or 0x22 or 0x23 or 0x24 or 0x26 || (pdu.Opcode == 0x25 && (pdu.Flags & 0x01) != 0)) ExpStatSn = pdu.U32(24) + 1;
            return pdu;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no PDU from the target in {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null;
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length; false at end of stream.</summary>
    private async Task<bool> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    /// <summary>Reads and drops PDUs until the target closes the connection; false when it is still open after <paramref name="timeout"/>.</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            try
            {
                if (await ReceiveAsync(left, cancellationToken).ConfigureAwait(false) is null) return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Pings with an immediate NOP-Out and waits for its NOP-In (true), for the end of the
    /// connection (true), or gives up after <paramref name="timeout"/> (false: neither answers nor ends).
    /// </summary>
    public async Task<bool> AnswersOrEndsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        const uint PingTag = 0x0F00D000;
        var ping = new WirePdu(0x00, immediate: true) { Itt = PingTag };
        ping.U32(20, WirePdu.ReservedTag);
        ping.U32(24, CmdSn);
        try
        {
            await SendAsync(ping, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return await EndsWithinAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            WirePdu? pdu;
            try
            {
                pdu = await ReceiveAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
            if (pdu is null || (pdu.Opcode == 0x20 && pdu.Itt == PingTag)) return true;
            if (pdu.Opcode == 0x20 && pdu.U32(20) != WirePdu.ReservedTag) await AnswerPingAsync(pdu, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Answers a target's NOP-In ping (RFC 7143 11.19) so that keep-alive does not end a connection a case still uses.</summary>
    public async Task AnswerPingAsync(WirePdu nopIn, CancellationToken cancellationToken)
    {
        var pong = new WirePdu(0x00, immediate: true) { Itt = WirePdu.ReservedTag };
        pong.U32(20, nopIn.U32(20));
        pong.U32(24, CmdSn);
        BinaryPrimitives.WriteUInt64BigEndian(pong.Header.AsSpan(8), BinaryPrimitives.ReadUInt64BigEndian(nopIn.Header.AsSpan(8)));
        try
        {
            await SendAsync(pong, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
