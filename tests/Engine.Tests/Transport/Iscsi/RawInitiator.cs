using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi;

/// <summary>
/// A raw iSCSI initiator connection for hostile-traffic tests: logs in with AuthMethod=None and any
/// extra keys, sends PDUs exactly as built (lengths and all), reads whatever the target sends back.
/// </summary>
internal sealed class RawInitiator : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    public PduFraming Framing { get; } = new() { MaxReceiveSegment = 1 << 24 };
    public uint CmdSn { get; set; } = 1;
    public uint Itt { get; set; } = 1;

    private RawInitiator(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
        _writer = PipeWriter.Create(_stream);
    }

    /// <summary>Connects and logs in to <paramref name="target"/> as <paramref name="initiator"/>, straight from security to full feature phase.</summary>
    public static async Task<RawInitiator> LoginAsync(IPEndPoint portal, string initiator, string target, params (string Key, string Value)[] extra)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(portal);
        var wire = new RawInitiator(socket);
        var login = new Pdu(Opcode.LoginRequest) { Immediate = true, Flags = 0x80 | 3, Itt = 0x100 };
        login.Header[8] = 0x80;
        login.Header[13] = (byte)Random.Shared.Next(1, 255);
        var keys = new List<(string, string)> { ("InitiatorName", initiator), ("SessionType", "Normal"), ("TargetName", target), ("AuthMethod", "None") };
        keys.AddRange(extra);
        await wire.SendAsync(login, Keys([.. keys]));
        using var response = await wire.ReceiveAsync() ?? throw new IOException("no login response");
        if (response.Header[36] != 0) throw new IOException($"login refused: {response.Header[36]:x2}{response.Header[37]:x2}");
        wire.CmdSn = response.U32(28);
        using var unitAttention = await wire.CommandAsync(new byte[6], read: false, write: false, 0);   // TEST UNIT READY takes the power-on attention
        return wire;
    }

    public static byte[] Keys(params (string Key, string Value)[] keys) =>
        TextKeys.Encode(keys.Select(k => new KeyValuePair<string, string>(k.Key, k.Value)));

    /// <summary>A SCSI Command PDU (simple attribute, F set) with the CDB in the header.</summary>
    public Pdu Command(byte[] cdb, bool read, bool write, uint edtl)
    {
        var pdu = new Pdu(Opcode.ScsiCommand) { Flags = (byte)(0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 1), Itt = Itt++ };
        pdu.U32(20, edtl);
        pdu.U32(24, CmdSn++);
        cdb.AsSpan(0, Math.Min(16, cdb.Length)).CopyTo(pdu.Header.AsSpan(32));
        return pdu;
    }

    /// <summary>Sends a command without data and returns the SCSI Response that ends it (Data-In skipped).</summary>
    public async Task<Pdu> CommandAsync(byte[] cdb, bool read, bool write, uint edtl)
    {
        await SendAsync(Command(cdb, read, write, edtl));
        return await StatusAsync();
    }

    /// <summary>The next status: a SCSI Response, or a Data-In with S set; other PDUs (NOP-In) are skipped.</summary>
    public async Task<Pdu> StatusAsync(List<byte>? dataIn = null)
    {
        while (true)
        {
            var pdu = await ReceiveAsync() ?? throw new IOException("the target closed the connection");
            if (pdu.Opcode == Opcode.ScsiResponse || pdu.Opcode == Opcode.Reject || pdu.Opcode == Opcode.ReadyToTransfer) return pdu;
            if (pdu.Opcode == Opcode.DataIn)
            {
                dataIn?.AddRange(pdu.Data.ToArray());
                if ((pdu.Flags & 0x01) != 0) return pdu;
            }
            pdu.Dispose();
        }
    }

    public async Task SendAsync(Pdu pdu, byte[]? data = null)
    {
        Framing.Write(_writer, pdu.Header, data ?? []);
        await _writer.FlushAsync();
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public async Task<Pdu?> ReceiveAsync(int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await Framing.ReadAsync(_reader, cts.Token);
    }

    /// <summary>True when the target closed the connection (end of stream) within the hang guard.</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            while (await ReceiveAsync() is { } pdu) pdu.Dispose();
            return true;
        }
        catch (Exception e) when (e is IOException or IscsiProtocolException or SocketException)
        {
            return true;
        }
    }

    public static byte[] Cdb10(byte opcode, uint lba, ushort blocks)
    {
        var cdb = new byte[10];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), blocks);
        return cdb;
    }

    public static byte[] Cdb12(byte opcode, uint lba, uint blocks)
    {
        var cdb = new byte[12];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), blocks);
        return cdb;
    }

    public static byte[] Cdb16(byte opcode, ulong lba, uint blocks)
    {
        var cdb = new byte[16];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
        return cdb;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
