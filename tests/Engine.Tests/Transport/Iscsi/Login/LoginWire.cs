using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>
/// A raw initiator over loopback for login tests: builds Login Requests (RFC 7143 11.12) field by
/// field, so tests can send what a real initiator never would, and reads what the target answers.
/// </summary>
internal sealed class LoginWire : IAsyncDisposable
{
    public const ulong DefaultIsid = 0x80_0000_0007;

    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly PduFraming _framing = new() { MaxReceiveSegment = 1 << 20 };

    private LoginWire(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
        _writer = PipeWriter.Create(_stream);
    }

    public ulong Isid { get; set; } = DefaultIsid;
    public ushort Tsih { get; set; }
    public uint Itt { get; set; } = 0x100;
    public ushort Cid { get; set; }
    public uint CmdSn { get; set; } = 1;
    public uint ExpStatSn { get; set; } = 1;
    public byte VersionMax { get; set; }
    public byte VersionMin { get; set; }

    /// <summary>The challenge of the target's last CHAP_A answer: (CHAP_I, CHAP_C).</summary>
    public (byte Id, byte[] Challenge)? Challenge { get; private set; }

    public static async Task<LoginWire> OpenAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new LoginWire(socket);
    }

    /// <summary>The flags byte of a Login Request: T (0x80), C (0x40), CSG (bits 2-3), NSG (bits 0-1).</summary>
    public static byte Flags(int csg, int nsg, bool transit, bool more = false) =>
        (byte)((transit ? 0x80 : 0) | (more ? 0x40 : 0) | ((csg & 3) << 2) | (nsg & 3));

    public Pdu Request(byte flags, byte opcode = Opcode.LoginRequest)
    {
        var pdu = new Pdu(opcode) { Immediate = true, Flags = flags, Itt = Itt };
        pdu.Header[2] = VersionMax;
        pdu.Header[3] = VersionMin;
        BinaryPrimitives.WriteUInt64BigEndian(pdu.Header.AsSpan(8), Isid << 16);
        pdu.U16(14, Tsih);
        pdu.U16(20, Cid);
        pdu.U32(24, CmdSn);
        pdu.U32(28, ExpStatSn);
        return pdu;
    }

    public async Task SendAsync(Pdu pdu, byte[]? data = null)
    {
        _framing.Write(_writer, pdu.Header, data ?? []);
        await _writer.FlushAsync();
    }

    public Task SendAsync(byte flags, params (string Key, string Value)[] keys) => SendAsync(Request(flags), Keys(keys));

    /// <summary>The next PDU, or null when the target closed the connection; throws on a hang.</summary>
    public async Task<Pdu?> ReceiveAsync(int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            var pdu = await _framing.ReadAsync(_reader, cts.Token);
            if (pdu is { Opcode: Opcode.LoginResponse }) Remember(pdu);
            return pdu;
        }
        catch (Exception e) when (e is IOException or SocketException or IscsiProtocolException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The target neither answered nor closed the connection within {timeoutMs} ms.");
        }
    }

    /// <summary>Sends one Login Request and returns the answer (null when the connection closed instead).</summary>
    public async Task<Pdu?> ExchangeAsync(byte flags, params (string Key, string Value)[] keys)
    {
        await SendAsync(flags, keys);
        return await ReceiveAsync();
    }

    private void Remember(Pdu response)
    {
        ExpStatSn = response.U32(24) + 1;
        var answers = TextKeys.Parse(response.Data);
        var id = answers.LastOrDefault(k => k.Key == "CHAP_I").Value;
        var challenge = answers.LastOrDefault(k => k.Key == "CHAP_C").Value;
        if (id is not null && challenge is not null && byte.TryParse(id, out var i) && Chap.Decode(challenge) is { } c)
            Challenge = (i, c);
    }

    public static byte[] Keys(params (string Key, string Value)[] keys) =>
        TextKeys.Encode(keys.Select(k => new KeyValuePair<string, string>(k.Key, k.Value)));

    public static ushort StatusOf(Pdu response) => (ushort)((response.Header[36] << 8) | response.Header[37]);

    public static bool IsFullFeature(Pdu response) =>
        response.Opcode == Opcode.LoginResponse && StatusOf(response) == LoginStatus.Success && (response.Flags & 0x83) == 0x83;

    public static Dictionary<string, string> Answers(Pdu response)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in TextKeys.Parse(response.Data)) map[key] = value;
        return map;
    }

    /// <summary>Sends a READ(10) of block 0 as if in full feature phase; true when anything but a close came back.</summary>
    public async Task<bool> ReadIsAnsweredAsync()
    {
        var pdu = new Pdu(Opcode.ScsiCommand) { Flags = 0x80 | 0x40 | 1, Itt = 0x7000 };
        pdu.U32(20, 512);
        pdu.U32(24, CmdSn);
        pdu.Header[32] = 0x28;
        pdu.Header[40] = 1;
        try
        {
            await SendAsync(pdu);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return false;
        }
        while (await ReceiveAsync() is { } answer)
        {
            if (answer.Opcode is Opcode.DataIn or Opcode.ScsiResponse) return true;
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
