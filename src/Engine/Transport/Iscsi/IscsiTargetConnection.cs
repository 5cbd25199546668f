using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// One TCP connection to a portal, from login to logout (RFC 7143): the login phase with security
/// and operational negotiation, then the full feature phase. The read loop parses PDUs and hands
/// each SCSI command to the task set in CmdSN order without waiting for it; completions send their
/// Data-In and responses under a send lock that also orders StatSN.
/// </summary>
internal sealed partial class IscsiTargetConnection
{
    private readonly IscsiPortal _portal;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly PduFraming _framing = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly Dictionary<uint, PendingWrite> _writes = [];
    private readonly ConcurrentDictionary<uint, Running> _running = new();
    private uint _statSn;
    private uint _nextTtt = 1;
    private long _lastHeard = Environment.TickCount64;
    private uint _pingTtt = Pdu.ReservedTag;
    private long _buffered;

    public IscsiTargetConnection(IscsiPortal portal, Socket socket)
    {
        _portal = portal;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 256 * 1024, minimumReadSize: 64 * 1024));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
    }

    public IscsiSession? Session { get; private set; }

    private IscsiTargetEntry? Entry { get; set; }

    private SessionParameters Parameters => Session!.Parameters;

    /// <summary>Runs the connection to its end; never throws for anything the peer sends.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (await LoginAsync().ConfigureAwait(false))
            {
                using var keepAlive = new CancellationTokenSource();
                var pinger = KeepAliveAsync(keepAlive.Token);
                try
                {
                    await FullFeatureAsync().ConfigureAwait(false);
                }
                finally
                {
                    await keepAlive.CancelAsync().ConfigureAwait(false);
                    await pinger.ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IscsiProtocolException or IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            _portal.Log($"connection {RemoteName}: {e.Message}");
        }
        catch (Exception e)
        {
            // Nothing a peer sends may end the portal: a fault here is a bug, logged, and only this connection ends.
            _portal.Log($"connection {RemoteName} failed: {e}");
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops the connection (session reinstatement, a stopped target, cold reset, shutdown).</summary>
    public void Abort()
    {
        try
        {
            _closed.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private string RemoteName
    {
        get
        {
            try
            {
                return _socket.RemoteEndPoint?.ToString() ?? "?";
            }
            catch (ObjectDisposedException)
            {
                return "?";
            }
        }
    }

    /// <summary>
    /// Ends the connection: its tasks are aborted and waited for up to <see cref="IscsiPortal.AbortWait"/>
    /// (a command stuck in a store that ignores cancellation keeps its buffer until it returns), the
    /// pending writes' buffers go back, the reservations of its nexus are dropped. Every step runs
    /// whatever the one before did.
    /// </summary>
    private async Task CloseAsync()
    {
        Abort();
        if (Session is { } session)
        {
            _portal.Ended(session, this);
            if (Entry is { } entry)
            {
                foreach (var lun in entry.Target.Luns) entry.Target.TaskSetOf(lun)?.AbortTaskSet(session.Nexus);
                // Wait for the aborted tasks so their buffers are no longer in use.
                var deadline = Environment.TickCount64 + (long)_portal.AbortWait.TotalMilliseconds;
                while (!_running.IsEmpty && Environment.TickCount64 < deadline) await Task.Delay(5).ConfigureAwait(false);
                if (!_running.IsEmpty) _portal.Log($"connection {RemoteName}: {_running.Count} aborted commands still running in their stores; closing without them");
                foreach (var lun in entry.Target.Luns) entry.Target[lun]?.Reservations.Clear(session.Nexus);
            }
        }
        foreach (var w in _writes.Values) Release(w);
        _writes.Clear();
        await _reader.CompleteAsync().ConfigureAwait(false);
        // A send stuck on a peer that stopped reading ends when Abort shut the socket; the wait is only a guard.
        await _send.WaitAsync(_portal.AbortWait).ConfigureAwait(false);
        try
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<Pdu?> ReadAsync()
    {
        var pdu = await _framing.ReadAsync(_reader, _closed.Token).ConfigureAwait(false);
        Volatile.Write(ref _lastHeard, Environment.TickCount64);
        return pdu;
    }

    // ---------------------------------------------------------------- full feature phase

    private async Task FullFeatureAsync()
    {
        while (await ReadAsync().ConfigureAwait(false) is { } pdu)
        {
            try
            {
                if (pdu.DataDigestFailed)
                {
                    await RejectAsync(pdu, RejectReason.DataDigestError).ConfigureAwait(false);
                    if (pdu.Opcode == Opcode.DataOut) return;   // the command cannot complete at ERL 0
                    continue;
                }
                switch (pdu.Opcode)
                {
                    case Opcode.ScsiCommand:
                        await OnCommandAsync(pdu).ConfigureAwait(false);
                        break;
                    case Opcode.DataOut:
                        await OnDataOutAsync(pdu).ConfigureAwait(false);
                        break;
                    case Opcode.NopOut:
                        await OnNopOutAsync(pdu).ConfigureAwait(false);
                        break;
                    case Opcode.TaskManagementRequest:
                        await OnTaskManagementAsync(pdu).ConfigureAwait(false);
                        break;
                    case Opcode.TextRequest:
                        await OnTextAsync(pdu).ConfigureAwait(false);
                        break;
                    case Opcode.LogoutRequest:
                        await OnLogoutAsync(pdu).ConfigureAwait(false);
                        return;
                    case Opcode.Snack:
                        await RejectAsync(pdu, RejectReason.SnackReject).ConfigureAwait(false);
                        break;
                    case Opcode.LoginRequest:
                        await RejectAsync(pdu, RejectReason.ProtocolError).ConfigureAwait(false);
                        break;
                    default:
                        await RejectAsync(pdu, RejectReason.CommandNotSupported).ConfigureAwait(false);
                        break;
                }
            }
            finally
            {
                pdu.Dispose();
            }
        }
    }

    private sealed class Running(ulong lun)
    {
        public ulong Lun { get; } = lun;

        private const int Pending = 0, Answering = 1, Muted = 2;
        private int _state;

        /// <summary>Task management from this session: no response will be sent for it (RFC 7143 11.5.1); false when its response already went.</summary>
        public bool Silence() => Interlocked.CompareExchange(ref _state, Muted, Pending) != Answering;

        /// <summary>The completion claims the right to answer; false when task management silenced it first.</summary>
        public bool Answer() => Interlocked.CompareExchange(ref _state, Answering, Pending) == Pending;
    }

    private async Task OnNopOutAsync(Pdu pdu)
    {
        if (!Session!.AcceptUntracked(pdu.U32(24), pdu.Immediate)) return;
        if (pdu.Itt == Pdu.ReservedTag)
        {
            if (pdu.U32(20) == _pingTtt) _pingTtt = Pdu.ReservedTag;   // the answer to our ping
            return;
        }
        var reply = new Pdu(Opcode.NopIn) { Flags = 0x80, Itt = pdu.Itt };
        pdu.Header.AsSpan(8, 8).CopyTo(reply.Header.AsSpan(8));
        reply.U32(20, Pdu.ReservedTag);
        var echo = pdu.Data[..Math.Min(pdu.DataLength, Parameters.InitiatorMaxRecvDataSegmentLength)].ToArray();
        await SendAsync(reply, echo, status: true).ConfigureAwait(false);
    }

    /// <summary>Pings an idle initiator with NOP-In; drops the connection when a ping goes unanswered (RFC 7143 11.19).</summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        var interval = _portal.KeepAliveInterval;
        if (interval <= TimeSpan.Zero) return;
        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                if (_pingTtt != Pdu.ReservedTag)
                {
                    _portal.Log($"connection {_socket.RemoteEndPoint}: no answer to a NOP-In in {interval}; dropping it");
                    Abort();
                    return;
                }
                if (Environment.TickCount64 - Volatile.Read(ref _lastHeard) < interval.TotalMilliseconds) continue;
                _pingTtt = 0x7FFF0000 | (uint)Random.Shared.Next(0xFFFF);
                var ping = new Pdu(Opcode.NopIn) { Flags = 0x80, Itt = Pdu.ReservedTag };
                ping.U32(20, _pingTtt);
                await SendAsync(ping, default, status: false).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    // ---------------------------------------------------------------- sending

    private const byte ResidualOverflow = 0x04;
    private const byte ResidualUnderflow = 0x02;

    /// <summary>Writes one PDU with the sequence numbers of now; a status PDU takes the next StatSN.</summary>
    private async Task SendAsync(Pdu pdu, ReadOnlyMemory<byte> data, bool status)
    {
        await _send.WaitAsync(_closed.Token).ConfigureAwait(false);
        try
        {
            Stamp(pdu, status);
            _framing.Write(_writer, pdu.Header, data.Span);
            await _writer.FlushAsync(_closed.Token).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    private void Stamp(Pdu pdu, bool status)
    {
        pdu.U32(24, status ? _statSn++ : _statSn);
        if (Session is { } session)
        {
            var (exp, max) = session.Window();
            pdu.U32(28, exp);
            pdu.U32(32, max);
        }
    }

    private Task RejectAsync(Pdu rejected, byte reason)
    {
        var reply = new Pdu(Opcode.Reject) { Flags = 0x80, Itt = Pdu.ReservedTag };
        reply.Header[2] = reason;
        return SendAsync(reply, rejected.Header, status: true);
    }

    private Task RespondAsync(uint itt, ScsiResult result, byte residualFlags, uint residual, uint expDataSn)
    {
        var reply = ResponsePdu(itt, result, residualFlags, residual, expDataSn, out var data);
        return SendAsync(reply, data, status: true);
    }

    private static Pdu ResponsePdu(uint itt, in ScsiResult result, byte residualFlags, uint residual, uint expDataSn, out byte[] data)
    {
        var reply = new Pdu(Opcode.ScsiResponse) { Flags = (byte)(0x80 | residualFlags), Itt = itt };
        reply.Header[3] = (byte)result.Status;
        reply.U32(36, expDataSn);
        reply.U32(44, residual);
        data = [];
        if (result.Status == ScsiStatus.CheckCondition)
        {
            data = new byte[2 + SenseWriter.FixedLength];
            BinaryPrimitives.WriteUInt16BigEndian(data, SenseWriter.FixedLength);
            SenseWriter.WriteFixed(result, data.AsSpan(2));
        }
        return reply;
    }

    /// <summary>
    /// Sends a command's Data-In (segments of the initiator's MaxRecvDataSegmentLength, F at each
    /// MaxBurstLength) and its status: collapsed into the last Data-In when GOOD, else a SCSI Response.
    /// </summary>
    private async Task SendResultAsync(uint itt, ScsiResult result, ReadOnlyMemory<byte> data, Residual residual)
    {
        var collapse = data.Length > 0 && result.Status == ScsiStatus.Good;
        await _send.WaitAsync(_closed.Token).ConfigureAwait(false);
        try
        {
            var segment = Parameters.InitiatorMaxRecvDataSegmentLength;
            var burst = Parameters.MaxBurstLength;
            uint dataSn = 0;
            var header = new Pdu(Opcode.DataIn) { Itt = itt };
            for (var offset = 0; offset < data.Length;)
            {
                var burstEnd = Math.Min(data.Length, (offset / burst + 1) * burst);
                var length = Math.Min(segment, burstEnd - offset);
                var last = offset + length == data.Length;
                var flags = (byte)(offset + length == burstEnd ? 0x80 : 0);
                Array.Clear(header.Header, 1, Pdu.BhsLength - 1);
                header.Itt = itt;
                header.U32(20, Pdu.ReservedTag);
                if (last && collapse)
                {
                    flags |= (byte)(0x01 | residual.Flags);
                    header.Header[3] = (byte)result.Status;
                    header.U32(44, residual.Count);
                }
                header.Flags = flags;
                header.U32(36, dataSn++);
                header.U32(40, (uint)offset);
                Stamp(header, status: last && collapse);
                _framing.Write(_writer, header.Header, data.Span.Slice(offset, length));
                offset += length;
                if (_writer.UnflushedBytes >= 256 * 1024) await _writer.FlushAsync(_closed.Token).ConfigureAwait(false);
            }
            if (!collapse)
            {
                var reply = ResponsePdu(itt, result, residual.Flags, residual.Count, dataSn, out var sense);
                Stamp(reply, status: true);
                _framing.Write(_writer, reply.Header, sense);
            }
            await _writer.FlushAsync(_closed.Token).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    private Task SendR2TAsync(PendingWrite w, uint ttt, int offset, int length)
    {
        var r2t = new Pdu(Opcode.ReadyToTransfer) { Flags = 0x80, Itt = w.Itt };
        LunFormat.Encode(w.Lun, r2t.Header.AsSpan(8, 8));
        r2t.U32(20, ttt);
        r2t.U32(36, w.NextR2TSn++);
        r2t.U32(40, (uint)offset);
        r2t.U32(44, (uint)length);
        return SendAsync(r2t, default, status: false);
    }
}
