using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi;

/// <summary>
/// The target side of iSCSI spoken to with hand-built PDUs: login refusals with their status
/// class and detail, CHAP, sequence numbers, Data-In/R2T flows, malformed PDUs and a fuzzer.
/// </summary>
public sealed class IscsiTargetTests : IAsyncLifetime
{
    private const string TargetName = "iqn.2026-11.org.vscsi:test.vios1.vhost0";
    private const string Allowed = "iqn.2026-11.org.vscsi:test.lpar2.vscsi0";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-iscsi-{Guid.NewGuid():N}");
    private FileBlockStore _store = null!;
    private IscsiPortal _portal = null!;
    private readonly ScsiTarget _target = new();

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = FileBlockStore.Create(Path.Combine(_dir, "disk.img"), 8 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "SN-ISCSI", Guid.NewGuid()), _store));
        _portal = IscsiPortal.Start(new IPEndPoint(IPAddress.Loopback, 0));
        _portal.Add(new IscsiTargetEntry(TargetName, _target) { Initiators = new Dictionary<string, int> { [Allowed] = 4 } });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    /// <summary>A raw initiator connection: sends PDUs as built, reads PDUs as they come.</summary>
    private sealed class Wire : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        public readonly PipeReader Reader;
        public readonly PipeWriter Writer;
        public readonly PduFraming Framing = new() { MaxReceiveSegment = 1 << 20 };
        public uint CmdSn = 1;
        public uint Itt = 1;
        public uint ExpCmdSn;
        public uint MaxCmdSn;

        private Wire(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            Reader = PipeReader.Create(_stream);
            Writer = PipeWriter.Create(_stream);
        }

        public static async Task<Wire> OpenAsync(IPEndPoint endPoint)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint);
            return new Wire(socket);
        }

        public async Task SendAsync(Pdu pdu, byte[]? data = null)
        {
            Framing.Write(Writer, pdu.Header, data ?? []);
            await Writer.FlushAsync();
        }

        public async Task SendRawAsync(byte[] bytes)
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
        }

        public async Task<Pdu?> ReceiveAsync(int timeoutMs = 5000)
        {
            using var cts = new CancellationTokenSource(timeoutMs);
            var pdu = await Framing.ReadAsync(Reader, cts.Token);
            if (pdu is not null && pdu.Opcode >= Opcode.NopIn)
                (ExpCmdSn, MaxCmdSn) = (pdu.U32(28), pdu.U32(32));
            return pdu;
        }

        public async ValueTask DisposeAsync()
        {
            await Reader.CompleteAsync();
            await Writer.CompleteAsync();
            await _stream.DisposeAsync();
        }
    }

    private static Pdu Login(byte flags)
    {
        var pdu = new Pdu(Opcode.LoginRequest) { Immediate = true, Flags = flags, Itt = 0x100 };
        pdu.Header[8] = 0x80;          // ISID: random type
        pdu.Header[13] = 0x07;
        return pdu;
    }

    private static byte[] Keys(params (string Key, string Value)[] keys) => TextKeys.Encode(keys.Select(k => new KeyValuePair<string, string>(k.Key, k.Value)));

    private const byte OperationalToFull = 0x80 | (1 << 2) | 3;
    private const byte SecurityToOperational = 0x80 | 1;

    /// <summary>Logs in (security stage with AuthMethod=None, then straight to full feature) and returns the response.</summary>
    private async Task<(Wire Wire, Pdu Response)> LoginAsync(string initiator = Allowed, string target = TargetName, params (string, string)[] extra)
    {
        var wire = await Wire.OpenAsync(_portal.EndPoint);
        var keys = new List<(string, string)> { ("InitiatorName", initiator), ("SessionType", "Normal"), ("TargetName", target), ("AuthMethod", "None") };
        keys.AddRange(extra);
        await wire.SendAsync(Login(0x80 | 3), Keys([.. keys]));   // CSG 0 (security) → NSG 3 (full feature)
        var response = await wire.ReceiveAsync() ?? throw new IOException("no login response");
        if (StatusOf(response) == LoginStatus.Success)
        {
            var answers = TextKeys.Parse(response.Data);
            wire.Framing.HeaderDigest = answers.Any(k => k.Key == "HeaderDigest" && k.Value == "CRC32C");
            wire.Framing.DataDigest = answers.Any(k => k.Key == "DataDigest" && k.Value == "CRC32C");
            wire.CmdSn = response.U32(28);
            await wire.SendAsync(Command(wire, new byte[6], false, false, 0));   // TEST UNIT READY takes the power-on unit attention
            (await wire.ReceiveAsync())?.Dispose();
        }
        return (wire, response);
    }

    private static ushort StatusOf(Pdu login) => (ushort)((login.Header[36] << 8) | login.Header[37]);

    private static Pdu Command(Wire wire, byte[] cdb, bool read, bool write, uint edtl)
    {
        var pdu = new Pdu(Opcode.ScsiCommand) { Flags = (byte)(0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 1), Itt = wire.Itt++ };
        pdu.U32(20, edtl);
        pdu.U32(24, wire.CmdSn++);
        cdb.CopyTo(pdu.Header, 32);
        return pdu;
    }

    private static byte[] Read10(uint lba, ushort blocks)
    {
        var cdb = new byte[10];
        cdb[0] = 0x28;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), blocks);
        return cdb;
    }

    private static byte[] Write10(uint lba, ushort blocks)
    {
        var cdb = Read10(lba, blocks);
        cdb[0] = 0x2A;
        return cdb;
    }

    [Fact]
    public async Task Login_AllowedInitiator_EntersFullFeatureWithTsihAndWindowFromQueueDepth()
    {
        var (wire, response) = await LoginAsync();
        await using var _ = wire;
        Assert.Equal(Opcode.LoginResponse, response.Opcode);
        Assert.Equal(LoginStatus.Success, StatusOf(response));
        Assert.Equal(0x80 | 3, response.Flags & 0x83);                   // T set, NSG full feature
        Assert.NotEqual(0, response.U16(14));                            // TSIH
        var exp = response.U32(28);
        Assert.Equal(exp + 3, response.U32(32));                         // MaxCmdSN = ExpCmdSN + depth 4 - 1
        var session = Assert.Single(_portal.Sessions);
        Assert.Equal(Allowed, session.InitiatorName);
        Assert.Equal(4, session.QueueDepth);
    }

    [Theory]
    [InlineData("iqn.2026-11.org.vscsi:test.lpar9.vscsi0", TargetName, LoginStatus.AuthorizationFailure)]
    [InlineData(Allowed, "iqn.2026-11.org.vscsi:test.nosuch.vhost9", LoginStatus.NotFound)]
    public async Task Login_RefusedWithStatusClassAndDetail(string initiator, string target, ushort expected)
    {
        var (wire, response) = await LoginAsync(initiator, target);
        await using var _ = wire;
        Assert.Equal(expected, StatusOf(response));
        Assert.Null(await wire.ReceiveAsync());                         // and the connection is closed
        Assert.Empty(_portal.Sessions);
    }

    [Fact]
    public async Task Login_ToAStoppedTarget_IsServiceUnavailable()
    {
        _portal.Remove(TargetName);
        var (wire, response) = await LoginAsync();
        await using var _ = wire;
        Assert.Equal(LoginStatus.ServiceUnavailable, StatusOf(response));
    }

    [Fact]
    public async Task Login_MissingInitiatorName_IsMissingParameter()
    {
        await using var wire = await Wire.OpenAsync(_portal.EndPoint);
        await wire.SendAsync(Login(OperationalToFull), Keys(("SessionType", "Normal"), ("TargetName", TargetName)));
        Assert.Equal(LoginStatus.MissingParameter, StatusOf((await wire.ReceiveAsync())!));
    }

    [Fact]
    public async Task Negotiation_AnswersEveryKeyByItsRuleAndUnknownKeysNotUnderstood()
    {
        await using var wire = await Wire.OpenAsync(_portal.EndPoint);
        await wire.SendAsync(Login(OperationalToFull), Keys(("InitiatorName", Allowed), ("TargetName", TargetName),
            ("HeaderDigest", "CRC32C,None"), ("DataDigest", "None"), ("MaxBurstLength", "65536"), ("FirstBurstLength", "999999"),
            ("InitialR2T", "No"), ("ImmediateData", "Yes"), ("MaxOutstandingR2T", "2"), ("ErrorRecoveryLevel", "2"),
            ("DefaultTime2Wait", "1"), ("MaxRecvDataSegmentLength", "100"), ("X-com.example.Key", "1"), ("MaxConnections", "4")));
        var response = (await wire.ReceiveAsync())!;
        var answers = TextKeys.Parse(response.Data).ToDictionary(k => k.Key, k => k.Value);
        Assert.Equal("CRC32C", answers["HeaderDigest"]);
        Assert.Equal("None", answers["DataDigest"]);
        Assert.Equal("65536", answers["MaxBurstLength"]);
        Assert.Equal("262144", answers["FirstBurstLength"]);              // min(offer, ours); settled to MaxBurstLength afterwards
        Assert.Equal("No", answers["InitialR2T"]);
        Assert.Equal("2", answers["MaxOutstandingR2T"]);
        Assert.Equal("0", answers["ErrorRecoveryLevel"]);
        Assert.Equal("2", answers["DefaultTime2Wait"]);
        Assert.Equal("Reject", answers["MaxRecvDataSegmentLength"]);     // below the 512 minimum
        Assert.Equal("NotUnderstood", answers["X-com.example.Key"]);
        Assert.Equal("1", answers["MaxConnections"]);
        var session = Assert.Single(_portal.Sessions);
        Assert.Equal(65536, session.Parameters.FirstBurstLength);
        Assert.True(session.Parameters.HeaderDigest);
    }

    [Fact]
    public async Task Chap_OneWayAndMutual_SucceedsWithTheSecretAndFailsWithoutIt()
    {
        _portal.Add(new IscsiTargetEntry(TargetName, _target)
        {
            AnyInitiator = true,
            Chap = new ChapSecret("lpar2", "secret-of-lpar2"),
            MutualChap = new ChapSecret("vios1", "secret-of-vios1"),
        });
        Assert.Equal(LoginStatus.Success, await ChapLoginAsync("secret-of-lpar2", mutual: true));
        Assert.Equal(LoginStatus.AuthenticationFailure, await ChapLoginAsync("wrong-secret-xx", mutual: true));
        Assert.Equal(LoginStatus.AuthenticationFailure, await ChapLoginAsync("secret-of-lpar2", mutual: false)); // mutual required
        var (wire, none) = await LoginAsync();                                                                  // AuthMethod=None only
        await using var _ = wire;
        Assert.Equal(LoginStatus.AuthenticationFailure, StatusOf(none));
    }

    private async Task<ushort> ChapLoginAsync(string secret, bool mutual)
    {
        await using var wire = await Wire.OpenAsync(_portal.EndPoint);
        await wire.SendAsync(Login(0), Keys(("InitiatorName", Allowed), ("SessionType", "Normal"), ("TargetName", TargetName), ("AuthMethod", "CHAP,None")));
        var r1 = (await wire.ReceiveAsync())!;
        Assert.Equal("CHAP", TextKeys.Parse(r1.Data).Single(k => k.Key == "AuthMethod").Value);
        await wire.SendAsync(Login(0), Keys(("CHAP_A", "5")));
        var r2 = TextKeys.Parse((await wire.ReceiveAsync())!.Data).ToDictionary(k => k.Key, k => k.Value);
        var id = byte.Parse(r2["CHAP_I"], System.Globalization.CultureInfo.InvariantCulture);
        var answer = Chap.Response(id, secret, Chap.Decode(r2["CHAP_C"])!);
        var challenge = Chap.NewChallenge();
        var keys = new List<(string, string)> { ("CHAP_N", "lpar2"), ("CHAP_R", Chap.Encode(answer)) };
        if (mutual) keys.AddRange([("CHAP_I", "77"), ("CHAP_C", Chap.Encode(challenge))]);
        await wire.SendAsync(Login(SecurityToOperational), Keys([.. keys]));
        var r3 = (await wire.ReceiveAsync())!;
        var status = StatusOf(r3);
        if (status == LoginStatus.Success && mutual)
        {
            var back = TextKeys.Parse(r3.Data).ToDictionary(k => k.Key, k => k.Value);
            Assert.Equal("vios1", back["CHAP_N"]);
            Assert.Equal(Chap.Encode(Chap.Response(77, "secret-of-vios1", challenge)), back["CHAP_R"]);
        }
        return status;
    }

    [Fact]
    public async Task WriteThroughR2TThenReadWithStatusCollapse_RoundTrips()
    {
        var (wire, _) = await LoginAsync(extra: [("InitialR2T", "Yes"), ("ImmediateData", "No"), ("MaxBurstLength", "8192"), ("MaxRecvDataSegmentLength", "4096")]);
        await using var __ = wire;
        var data = new byte[32 * 512];
        Random.Shared.NextBytes(data);
        var write = Command(wire, Write10(8, 32), read: false, write: true, (uint)data.Length);
        await wire.SendAsync(write);
        var offered = 0;
        while (true)
        {
            var pdu = (await wire.ReceiveAsync())!;
            if (pdu.Opcode == Opcode.ScsiResponse)
            {
                Assert.Equal(0, pdu.Header[3]);
                break;
            }
            Assert.Equal(Opcode.ReadyToTransfer, pdu.Opcode);
            var (offset, length) = ((int)pdu.U32(40), (int)pdu.U32(44));
            Assert.True(length <= 8192);
            offered += length;
            for (int sent = 0, dataSn = 0; sent < length; sent += 4096, dataSn++)
            {
                var dataOut = new Pdu(Opcode.DataOut) { Flags = (byte)(sent + 4096 >= length ? 0x80 : 0), Itt = write.Itt };
                dataOut.U32(20, pdu.U32(20));
                dataOut.U32(36, (uint)dataSn);
                dataOut.U32(40, (uint)(offset + sent));
                await wire.SendAsync(dataOut, data.AsSpan(offset + sent, Math.Min(4096, length - sent)).ToArray());
            }
        }
        Assert.Equal(data.Length, offered);

        await wire.SendAsync(Command(wire, Read10(8, 32), read: true, write: false, (uint)data.Length + 100));
        var received = new byte[data.Length];
        while (true)
        {
            var pdu = (await wire.ReceiveAsync())!;
            Assert.Equal(Opcode.DataIn, pdu.Opcode);
            Assert.True(pdu.DataLength <= 4096);
            pdu.Data.CopyTo(received.AsSpan((int)pdu.U32(40)));
            if ((pdu.Flags & 0x01) == 0) continue;
            Assert.Equal(0x02, pdu.Flags & 0x06);                        // underflow: 100 bytes asked for and not sent
            Assert.Equal(100u, pdu.U32(44));
            break;
        }
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task CommandOutsideTheWindow_IsIgnoredAndTheNextInWindowRuns()
    {
        var (wire, _) = await LoginAsync();
        await using var __ = wire;
        wire.CmdSn = wire.MaxCmdSn + 1;
        var outside = Command(wire, new byte[6], false, false, 0);
        await wire.SendAsync(outside);
        wire.CmdSn = wire.ExpCmdSn;
        var inside = Command(wire, new byte[6], false, false, 0);
        await wire.SendAsync(inside);
        var response = (await wire.ReceiveAsync())!;
        Assert.Equal(Opcode.ScsiResponse, response.Opcode);
        Assert.Equal(inside.Itt, response.Itt);                          // only the one inside the window was answered
        Assert.Equal(outside.Itt + 1, inside.Itt);
    }

    [Fact]
    public async Task NopOut_IsEchoed()
    {
        var (wire, _) = await LoginAsync();
        await using var __ = wire;
        var ping = new Pdu(Opcode.NopOut) { Immediate = true, Flags = 0x80, Itt = 0x55 };
        ping.U32(20, Pdu.ReservedTag);
        ping.U32(24, wire.CmdSn);
        await wire.SendAsync(ping, [1, 2, 3, 4, 5]);
        var pong = (await wire.ReceiveAsync())!;
        Assert.Equal((Opcode.NopIn, 0x55u, Pdu.ReservedTag), (pong.Opcode, pong.Itt, pong.U32(20)));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, pong.Data.ToArray());
    }

    [Fact]
    public async Task IdleConnection_IsPingedWithNopIn()
    {
        _portal.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        var (wire, _) = await LoginAsync();
        await using var __ = wire;
        var ping = (await wire.ReceiveAsync(3000))!;
        Assert.Equal((Opcode.NopIn, Pdu.ReservedTag), (ping.Opcode, ping.Itt));
        Assert.NotEqual(Pdu.ReservedTag, ping.U32(20));
    }

    [Fact]
    public async Task UnknownOpcode_IsRejectedAndTheSessionCarriesOn()
    {
        var (wire, _) = await LoginAsync();
        await using var __ = wire;
        await wire.SendAsync(new Pdu(0x1C) { Flags = 0x80, Itt = 9 });
        var reject = (await wire.ReceiveAsync())!;
        Assert.Equal((Opcode.Reject, RejectReason.CommandNotSupported), (reject.Opcode, reject.Header[2]));
        Assert.Equal(0x1C, reject.Data[0] & 0x3F);                        // the rejected header comes back
        await wire.SendAsync(Command(wire, new byte[6], false, false, 0));
        Assert.Equal(Opcode.ScsiResponse, (await wire.ReceiveAsync())!.Opcode);
    }

    [Fact]
    public async Task SessionReinstatement_SameIsidReplacesTheOldSession()
    {
        var (first, _) = await LoginAsync();
        await using var a = first;
        var (second, response) = await LoginAsync();
        await using var b = second;
        Assert.Equal(LoginStatus.Success, StatusOf(response));
        Assert.Null(await first.ReceiveAsync());                         // the old connection was closed
        Assert.Single(_portal.Sessions);
    }

    [Fact]
    public async Task DiscoverySession_SendTargetsListsOnlyPermittedTargets()
    {
        var other = new ScsiTarget();
        _portal.Add(new IscsiTargetEntry("iqn.2026-11.org.vscsi:test.vios1.vhost1", other) { Initiators = new Dictionary<string, int> { ["iqn.x:other"] = 16 } });
        await using var wire = await Wire.OpenAsync(_portal.EndPoint);
        await wire.SendAsync(Login(OperationalToFull), Keys(("InitiatorName", Allowed), ("SessionType", "Discovery")));
        Assert.Equal(LoginStatus.Success, StatusOf((await wire.ReceiveAsync())!));
        var text = new Pdu(Opcode.TextRequest) { Immediate = true, Flags = 0x80, Itt = 3 };
        text.U32(20, Pdu.ReservedTag);
        await wire.SendAsync(text, Keys(("SendTargets", "All")));
        var answer = TextKeys.Parse((await wire.ReceiveAsync())!.Data);
        Assert.Equal([("TargetName", TargetName), ("TargetAddress", $"127.0.0.1:{_portal.EndPoint.Port},1")], answer.Select(k => (k.Key, k.Value)));
    }

    [Fact]
    public async Task DataSegmentOverTheNegotiatedSize_DropsTheConnectionButNotOthers()
    {
        await using var discovery = await Wire.OpenAsync(_portal.EndPoint);
        await discovery.SendAsync(Login(OperationalToFull), Keys(("InitiatorName", Allowed), ("SessionType", "Discovery")));
        Assert.Equal(LoginStatus.Success, StatusOf((await discovery.ReceiveAsync())!));
        var (bad, _) = await LoginAsync();
        await using var b = bad;
        var header = new byte[48];
        header[0] = Opcode.NopOut | 0x40;
        header[5] = 0x7F;                                                 // 8 MiB data segment
        await bad.SendRawAsync(header);
        Assert.Null(await bad.ReceiveAsync());
        var text = new Pdu(Opcode.TextRequest) { Immediate = true, Flags = 0x80, Itt = 3 };
        text.U32(20, Pdu.ReservedTag);
        await discovery.SendAsync(text, Keys(("SendTargets", "All")));
        Assert.Equal(Opcode.TextResponse, (await discovery.ReceiveAsync())!.Opcode);
    }

    [Fact]
    public async Task DigestErrors_DataIsRejectedAndHeaderDropsTheConnection()
    {
        var (wire, login) = await LoginAsync(extra: [("HeaderDigest", "CRC32C"), ("DataDigest", "CRC32C")]);
        await using var _ = wire;
        Assert.Equal(LoginStatus.Success, StatusOf(login));
        Assert.True(wire.Framing.HeaderDigest && wire.Framing.DataDigest);

        var ping = new Pdu(Opcode.NopOut) { Immediate = true, Flags = 0x80, Itt = 0x77 };
        ping.U32(20, Pdu.ReservedTag);
        var bytes = await FramedAsync(wire, ping, [1, 2, 3, 4]);
        bytes[^1] ^= 0xFF;                                                // spoil the data digest
        await wire.SendRawAsync(bytes);
        var reject = (await wire.ReceiveAsync())!;
        Assert.Equal((Opcode.Reject, RejectReason.DataDigestError), (reject.Opcode, reject.Header[2]));

        bytes = await FramedAsync(wire, ping, []);
        bytes[Pdu.BhsLength] ^= 0xFF;                                     // spoil the header digest
        await wire.SendRawAsync(bytes);
        Assert.Null(await wire.ReceiveAsync());
    }

    private static async Task<byte[]> FramedAsync(Wire wire, Pdu pdu, byte[] data)
    {
        var pipe = new Pipe();
        wire.Framing.Write(pipe.Writer, pdu.Header, data);
        await pipe.Writer.FlushAsync();
        var result = await pipe.Reader.ReadAsync();
        return result.Buffer.ToArray();
    }

    /// <summary>
    /// Thousands of randomly mutated PDUs (flipped bytes, wrong lengths, truncation, garbage
    /// opcodes) thrown at the target over many connections; afterwards a normal session still logs
    /// in and reads and writes, so nothing crashed, hung or corrupted the target.
    /// </summary>
    [Fact]
    public async Task Fuzz_MutatedPdus_NeverBreakTheTarget()
    {
        _portal.LoginTimeout = TimeSpan.FromSeconds(2);
        var random = new Random(4711);
        var sent = 0;
        for (var connection = 0; connection < 200; connection++)
        {
            var loggedIn = random.Next(4) != 0;
            Wire wire;
            if (loggedIn) wire = (await LoginAsync()).Wire;
            else wire = await Wire.OpenAsync(_portal.EndPoint);
            await using (wire)
            {
                try
                {
                    for (var i = 0; i < 60; i++, sent++)
                    {
                        await wire.SendRawAsync(Mutate(random, Seed(random, wire)));
                        if (random.Next(8) == 0) await DrainAsync(wire);
                    }
                }
                catch (IOException)
                {
                    // the target dropped the connection: allowed
                }
                catch (SocketException)
                {
                }
            }
        }
        Assert.True(sent > 2000, $"{sent} PDUs sent");

        var (check, login) = await LoginAsync();
        await using var _ = check;
        Assert.Equal(LoginStatus.Success, StatusOf(login));
        var pattern = Enumerable.Range(0, 512).Select(i => (byte)i).ToArray();
        var write = Command(check, Write10(1, 1), false, true, 512);
        await check.SendAsync(write, pattern);
        Assert.Equal((Opcode.ScsiResponse, (byte)0), await NextStatusAsync(check));
        await check.SendAsync(Command(check, Read10(1, 1), true, false, 512));
        var dataIn = (await check.ReceiveAsync())!;
        Assert.Equal(pattern, dataIn.Data.ToArray());
    }

    private static async Task<(byte, byte)> NextStatusAsync(Wire wire)
    {
        var pdu = (await wire.ReceiveAsync())!;
        return (pdu.Opcode, pdu.Header[3]);
    }

    private static async Task DrainAsync(Wire wire)
    {
        try
        {
            while (await wire.ReceiveAsync(20) is { } pdu) pdu.Dispose();
        }
        catch (OperationCanceledException)
        {
        }
        catch (IscsiProtocolException)
        {
        }
    }

    /// <summary>A valid PDU of a random kind to start from.</summary>
    private static byte[] Seed(Random random, Wire wire)
    {
        Pdu pdu;
        byte[] data = [];
        switch (random.Next(7))
        {
            case 0:
                pdu = Command(wire, Read10((uint)random.Next(16000), (ushort)random.Next(1, 64)), true, false, (uint)random.Next(1 << 16));
                break;
            case 1:
                pdu = Command(wire, Write10((uint)random.Next(16000), 1), false, true, 512);
                data = new byte[512];
                break;
            case 2:
                pdu = new Pdu(Opcode.DataOut) { Flags = 0x80, Itt = (uint)random.Next(8) };
                pdu.U32(20, (uint)random.Next(4));
                data = new byte[random.Next(1, 2048)];
                break;
            case 3:
                pdu = new Pdu(Opcode.TaskManagementRequest) { Immediate = true, Flags = (byte)(0x80 | random.Next(1, 9)), Itt = wire.Itt++ };
                pdu.U32(20, (uint)random.Next(8));
                break;
            case 4:
                pdu = new Pdu(Opcode.TextRequest) { Flags = 0x80, Itt = wire.Itt++ };
                data = Keys(("SendTargets", "All"), ("Bogus", new string('x', random.Next(200))));
                break;
            case 5:
                pdu = Login((byte)random.Next(256));
                data = Keys(("InitiatorName", Allowed), ("TargetName", TargetName));
                break;
            default:
                pdu = new Pdu(Opcode.NopOut) { Immediate = true, Flags = 0x80, Itt = wire.Itt++ };
                data = new byte[random.Next(100)];
                break;
        }
        var bytes = new byte[48 + ((data.Length + 3) & ~3)];
        pdu.Header.CopyTo(bytes, 0);
        bytes[5] = (byte)(data.Length >> 16);
        bytes[6] = (byte)(data.Length >> 8);
        bytes[7] = (byte)data.Length;
        data.CopyTo(bytes, 48);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] pdu)
    {
        switch (random.Next(6))
        {
            case 0: // flip random bytes anywhere
                for (var i = random.Next(1, 6); i > 0; i--) pdu[random.Next(pdu.Length)] = (byte)random.Next(256);
                return pdu;
            case 1: // a lying data segment length
                pdu[5] = (byte)random.Next(256);
                pdu[6] = (byte)random.Next(256);
                pdu[7] = (byte)random.Next(256);
                return pdu;
            case 2: // stop mid-PDU
                return pdu[..random.Next(1, pdu.Length)];
            case 3: // an AHS that is not there
                pdu[4] = (byte)random.Next(1, 256);
                return pdu;
            case 4: // any opcode
                pdu[0] = (byte)random.Next(256);
                return pdu;
            default: // untouched: valid PDUs in odd orders
                return pdu;
        }
    }
}
