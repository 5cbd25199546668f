using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using VScsi.Engine.Scsi;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>Where and how our initiator logs in.</summary>
public sealed record IscsiClientOptions(string Host, int Port, string TargetName, string InitiatorName)
{
    /// <summary>The initiator port's ISID; by default derived from the initiator name, so a reconnect reinstates the same session.</summary>
    public ulong? Isid { get; init; }

    /// <summary>The secret to answer the target's CHAP challenge with.</summary>
    public ChapSecret? Chap { get; init; }

    /// <summary>The secret the target must answer our challenge with (mutual CHAP).</summary>
    public ChapSecret? MutualChap { get; init; }

    public int QueueDepth { get; init; } = TaskSet.DefaultQueueDepth;
    public bool Digests { get; init; }
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconnect attempts after a dropped connection, with backoff doubling from 100 ms to 5 s.</summary>
    public int ReconnectAttempts { get; init; } = 6;
}

/// <summary>A login the target refused, with its status class and detail (RFC 7143 11.13.5).</summary>
public sealed class IscsiLoginException(ushort status, string message) : IOException(message)
{
    public ushort Status { get; } = status;
}

/// <summary>
/// Our iSCSI initiator: a session with one target, used like an in-process client session.
/// Logs in (AuthMethod None or CHAP, one-way or mutual), negotiates, keeps up to the queue depth
/// of commands in flight within the target's CmdSN window, sends immediate, unsolicited and
/// solicited (R2T) data, reassembles Data-In straight into the caller's buffer, answers NOP-In,
/// aborts cancelled commands, times commands out, and after a dropped connection logs in again
/// with bounded backoff (commands in flight then fail; new ones wait for the reconnect).
/// </summary>
public sealed class IscsiClient : IClientSession
{
    private readonly IscsiClientOptions _options;
    private readonly SemaphoreSlim _credits;
    private readonly object _gate = new();
    private Connection? _connection;
    private TaskCompletionSource<Connection> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;
    private bool _disposed;
    private int _reconnecting;

    private IscsiClient(IscsiClientOptions options)
    {
        _options = options;
        _credits = new SemaphoreSlim(options.QueueDepth, options.QueueDepth);
        Isid = options.Isid ?? DefaultIsid(options.InitiatorName);
    }

    public static async Task<IscsiClient> ConnectAsync(IscsiClientOptions options, CancellationToken cancellationToken = default)
    {
        if (options.QueueDepth is < 1 or > TaskSet.MaxQueueDepth)
            throw new ArgumentOutOfRangeException(nameof(options), options.QueueDepth, $"The queue depth must be 1 to {TaskSet.MaxQueueDepth}.");
        var client = new IscsiClient(options);
        client.Attach(await client.LoginAsync(cancellationToken).ConfigureAwait(false));
        return client;
    }

    public ulong Isid { get; }

    public string Nexus => $"{_options.InitiatorName},i,0x{Isid:x12}";

    public int QueueDepth => _options.QueueDepth;

    public string Transport => $"iscsi://{_options.Host}:{_options.Port}/{_options.TargetName}";

    /// <summary>The parameters negotiated at the last login.</summary>
    public SessionParameters? Parameters => _connection?.Parameters;

    /// <summary>Logins after the first one (reconnects).</summary>
    public int Reconnects { get; private set; }

    /// <summary>A random-type ISID (RFC 7143 10.12.5, T = 10b) from a hash of the initiator name.</summary>
    private static ulong DefaultIsid(string initiatorName)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(initiatorName));
        return (0x80UL << 40) | (BinaryPrimitives.ReadUInt64BigEndian(hash) & 0x00FF_FFFF_FFFF);
    }

    public async ValueTask<(ScsiStatus Status, byte[] Sense, int DataLength)> ExecuteAsync(ulong lun, ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> dataOut,
        Memory<byte> dataIn, TaskAttribute attribute = TaskAttribute.Simple, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cdb.Length is 0 or > 16) throw new ArgumentException("The CDB must be 1 to 16 bytes.", nameof(cdb));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CommandTimeout);
        await _credits.WaitAsync(timeout.Token).ConfigureAwait(false);
        Connection? connection = null;
        Command? command = null;
        try
        {
            connection = await ReadyAsync(timeout.Token).ConfigureAwait(false);
            command = new Command(lun, dataOut, dataIn);
            await connection.SendCommandAsync(command, cdb, attribute, timeout.Token).ConfigureAwait(false);
            return await command.Completion.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && command is not null && connection is not null)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await connection.AbortTaskAsync(command).ConfigureAwait(false);
                throw;
            }
            connection.Fail(new TimeoutException($"No answer to a command within {_options.CommandTimeout.TotalSeconds:0.#} s; the connection is dropped and logged in again."));
            throw new TimeoutException($"The command got no answer within {_options.CommandTimeout.TotalSeconds:0.#} s from {Transport}.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Transport} was not reachable within {_options.CommandTimeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _credits.Release();
        }
    }

    private Task<Connection> ReadyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_fault is not null) throw new IOException($"The session with {Transport} is down: {_fault.Message}", _fault);
            return _ready.Task.WaitAsync(cancellationToken);
        }
    }

    private void Attach(Connection connection)
    {
        lock (_gate)
        {
            _connection = connection;
            _ready.TrySetResult(connection);
        }
        _ = connection.Completion.ContinueWith(t => Lost(connection, t.Exception?.GetBaseException()), TaskScheduler.Default);
    }

    /// <summary>The connection ended: commands on it have failed; log in again unless we are closing.</summary>
    private void Lost(Connection connection, Exception? why)
    {
        lock (_gate)
        {
            if (_disposed || _connection != connection) return;
            _connection = null;
            _ready = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (Interlocked.Exchange(ref _reconnecting, 1) == 0) _ = ReconnectAsync(why);
    }

    private async Task ReconnectAsync(Exception? why)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        Exception last = why ?? new IOException("The connection was closed.");
        try
        {
            for (var attempt = 1; attempt <= _options.ReconnectAttempts && !_disposed; attempt++)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                try
                {
                    var connection = await LoginAsync(CancellationToken.None).ConfigureAwait(false);
                    Reconnects++;
                    Attach(connection);
                    return;
                }
                catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException)
                {
                    last = e;
                    if (e is IscsiLoginException { Status: >= 0x0200 and < 0x0300 }) break;   // an initiator error will not go away
                }
            }
            lock (_gate)
            {
                _fault = last;
                _ready.TrySetException(new IOException($"Could not log in to {Transport} again: {last.Message}", last));
            }
        }
        finally
        {
            Interlocked.Exchange(ref _reconnecting, 0);
        }
    }

    private async Task<Connection> LoginAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.LoginTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
            var connection = new Connection(this, socket);
            try
            {
                await connection.LoginAsync(timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                await connection.CloseAsync().ConfigureAwait(false);
                throw;
            }
            connection.Start();
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Login to {Transport} took longer than {_options.LoginTimeout.TotalSeconds:0.#} s.");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"Cannot reach {_options.Host}:{_options.Port}: {e.Message}", e);
        }
    }

    /// <summary>Asks the target for the targets this initiator may use (a discovery session with SendTargets=All).</summary>
    public static async Task<IReadOnlyList<(string TargetName, string? Address)>> DiscoverAsync(string host, int port, string initiatorName, CancellationToken cancellationToken = default)
    {
        var options = new IscsiClientOptions(host, port, "", initiatorName);
        var client = new IscsiClient(options);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        var connection = new Connection(client, socket);
        try
        {
            await connection.LoginAsync(cancellationToken, discovery: true).ConfigureAwait(false);
            var answer = await connection.TextAsync([new("SendTargets", "All")], cancellationToken).ConfigureAwait(false);
            var targets = new List<(string, string?)>();
            foreach (var (key, value) in answer)
            {
                if (key == "TargetName") targets.Add((value, null));
                else if (key == "TargetAddress" && targets.Count > 0) targets[^1] = (targets[^1].Item1, value);
            }
            return targets;
        }
        finally
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection? connection;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            connection = _connection;
            _ready.TrySetException(new ObjectDisposedException(nameof(IscsiClient)));
        }
        if (connection is not null)
        {
            await connection.LogoutAsync().ConfigureAwait(false);
            await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One command in flight.</summary>
    private sealed class Command(ulong lun, ReadOnlyMemory<byte> dataOut, Memory<byte> dataIn)
    {
        public ulong Lun { get; } = lun;
        public ReadOnlyMemory<byte> DataOut { get; } = dataOut;
        public Memory<byte> DataIn { get; } = dataIn;
        public uint Itt { get; set; }
        public uint CmdSn { get; set; }
        public int Received { get; set; }
        public TaskCompletionSource<(ScsiStatus, byte[], int)> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One TCP connection of the session: login, the reader loop, and sends under one lock.</summary>
    private sealed class Connection
    {
        private readonly IscsiClient _client;
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly PipeReader _reader;
        private readonly PipeWriter _writer;
        private readonly PduFraming _framing = new();
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly ConcurrentDictionary<uint, Command> _commands = new();
        private readonly ConcurrentDictionary<uint, TaskCompletionSource<Pdu>> _requests = new();
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly object _window = new();
        private TaskCompletionSource _windowOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private uint _cmdSn = 1;
        private uint _maxCmdSn = 1;
        private uint _expStatSn;
        private uint _nextItt;
        private int _targetSegment = 8192;

        public Connection(IscsiClient client, Socket socket)
        {
            _client = client;
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 256 * 1024, minimumReadSize: 64 * 1024));
            _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        }

        public SessionParameters Parameters { get; } = new();

        /// <summary>Completes (with the reason as its exception) when the connection is gone.</summary>
        public Task Completion => _completion.Task;

        private IscsiClientOptions Options => _client._options;

        private uint NextItt()
        {
            var itt = Interlocked.Increment(ref _nextItt);
            return itt == Pdu.ReservedTag ? Interlocked.Increment(ref _nextItt) : itt;
        }

        // ------------------------------------------------------------ login

        public async Task LoginAsync(CancellationToken cancellationToken, bool discovery = false)
        {
            var keys = new List<KeyValuePair<string, string>>
            {
                new("InitiatorName", Options.InitiatorName),
                new("SessionType", discovery ? "Discovery" : "Normal"),
            };
            if (!discovery) keys.Add(new("TargetName", Options.TargetName));
            keys.Add(new("AuthMethod", Options.Chap is null || discovery ? "None" : "CHAP,None"));
            var (stage, answers) = await LoginStepAsync(0, 1, keys, cancellationToken).ConfigureAwait(false);
            if (Value(answers, "AuthMethod") == "CHAP")
            {
                var secret = Options.Chap ?? throw new IscsiLoginException(LoginStatus.AuthenticationFailure, $"{Options.TargetName} requires CHAP and no secret was given.");
                (_, answers) = await LoginStepAsync(0, 1, [new("CHAP_A", Chap.Md5)], cancellationToken, transit: false).ConfigureAwait(false);
                if (!byte.TryParse(Value(answers, "CHAP_I"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || Chap.Decode(Value(answers, "CHAP_C") ?? "") is not { } challenge)
                    throw new IscsiLoginException(LoginStatus.AuthenticationFailure, "The target sent no usable CHAP challenge.");
                var response = new List<KeyValuePair<string, string>> { new("CHAP_N", secret.User), new("CHAP_R", Chap.Encode(Chap.Response(id, secret.Secret, challenge))) };
                byte mutualId = 0;
                byte[]? mutualChallenge = null;
                if (Options.MutualChap is not null)
                {
                    mutualId = (byte)Random.Shared.Next(256);
                    mutualChallenge = Chap.NewChallenge();
                    response.Add(new("CHAP_I", mutualId.ToString(CultureInfo.InvariantCulture)));
                    response.Add(new("CHAP_C", Chap.Encode(mutualChallenge)));
                }
                (stage, answers) = await LoginStepAsync(0, 1, response, cancellationToken).ConfigureAwait(false);
                if (Options.MutualChap is { } mutual)
                {
                    var given = Chap.Decode(Value(answers, "CHAP_R") ?? "");
                    if (Value(answers, "CHAP_N") != mutual.User || given is null || !Chap.Matches(Chap.Response(mutualId, mutual.Secret, mutualChallenge!), given))
                        throw new IscsiLoginException(LoginStatus.AuthenticationFailure, "The target failed mutual CHAP: it did not prove it knows the secret.");
                }
            }
            while (stage == 0)
                (stage, _) = await LoginStepAsync(0, 1, [], cancellationToken).ConfigureAwait(false);

            var digests = Options.Digests ? "CRC32C,None" : "None";
            keys =
            [
                new("HeaderDigest", digests), new("DataDigest", digests), new("MaxRecvDataSegmentLength", "262144"),
            ];
            if (!discovery)
            {
                keys.AddRange([
                    new("MaxConnections", "1"), new("InitialR2T", "No"), new("ImmediateData", "Yes"), new("MaxBurstLength", "1048576"),
                    new("FirstBurstLength", "262144"), new("DefaultTime2Wait", "2"), new("DefaultTime2Retain", "0"), new("MaxOutstandingR2T", "1"),
                    new("DataPDUInOrder", "Yes"), new("DataSequenceInOrder", "Yes"), new("ErrorRecoveryLevel", "0"),
                ]);
            }
            (stage, answers) = await LoginStepAsync(1, 3, keys, cancellationToken).ConfigureAwait(false);
            Apply(answers);
            while (stage != 3)
            {
                (stage, answers) = await LoginStepAsync(1, 3, [], cancellationToken).ConfigureAwait(false);
                Apply(answers);
            }
            Parameters.TargetMaxRecvDataSegmentLength = _targetSegment;
            Parameters.InitiatorMaxRecvDataSegmentLength = 262144;
            _framing.HeaderDigest = Parameters.HeaderDigest;
            _framing.DataDigest = Parameters.DataDigest;
            _framing.MaxReceiveSegment = 262144;
        }

        private Pdu? _lastLogin;

        /// <summary>Sends one login request and reads its response: the stage the target moved to and its keys.</summary>
        private async Task<(int Stage, List<KeyValuePair<string, string>> Answers)> LoginStepAsync(int csg, int nsg, List<KeyValuePair<string, string>> keys,
            CancellationToken cancellationToken, bool transit = true)
        {
            var request = new Pdu(Opcode.LoginRequest) { Immediate = true, Flags = (byte)((transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0)), Itt = 0 };
            BinaryPrimitives.WriteUInt64BigEndian(request.Header.AsSpan(8), _client.Isid << 16);   // ISID, TSIH 0
            if (_lastLogin is { } previous) request.U16(14, previous.U16(14));
            request.U32(24, _cmdSn);
            request.U32(28, _expStatSn);
            _framing.Write(_writer, request.Header, TextKeys.Encode(keys));
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            var response = await _framing.ReadAsync(_reader, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException($"The target closed the connection during login.");
            if (response.Opcode != Opcode.LoginResponse) throw new IOException($"The target answered a login with PDU {response.Opcode:x2}.");
            var status = (ushort)((response.Header[36] << 8) | response.Header[37]);
            if (status != LoginStatus.Success)
                throw new IscsiLoginException(status, $"{Options.TargetName} refused the login of {Options.InitiatorName}: {LoginStatus.Describe(status)}.");
            _lastLogin = response;
            _expStatSn = response.U32(24) + 1;
            Window(response);
            var answers = TextKeys.Parse(response.Data);
            var next = (response.Flags & 0x80) != 0 ? response.Flags & 3 : csg;
            return (next, answers);
        }

        private void Apply(List<KeyValuePair<string, string>> answers)
        {
            foreach (var (key, value) in answers)
            {
                switch (key)
                {
                    case "HeaderDigest": Parameters.HeaderDigest = value == "CRC32C"; break;
                    case "DataDigest": Parameters.DataDigest = value == "CRC32C"; break;
                    case "InitialR2T": Parameters.InitialR2T = value == "Yes"; break;
                    case "ImmediateData": Parameters.ImmediateData = value == "Yes"; break;
                    case "MaxBurstLength": Parameters.MaxBurstLength = Number(value, Parameters.MaxBurstLength); break;
                    case "FirstBurstLength": Parameters.FirstBurstLength = Number(value, Parameters.FirstBurstLength); break;
                    case "MaxOutstandingR2T": Parameters.MaxOutstandingR2T = Number(value, 1); break;
                    case "MaxRecvDataSegmentLength": _targetSegment = Number(value, 8192); break;
                    case "DefaultTime2Wait": Parameters.DefaultTime2Wait = Number(value, 2); break;
                    case "DefaultTime2Retain": Parameters.DefaultTime2Retain = Number(value, 0); break;
                }
            }
        }

        private static int Number(string value, int fallback) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;

        private static string? Value(List<KeyValuePair<string, string>> keys, string key) =>
            keys.FirstOrDefault(k => k.Key == key) is { Key: not null } pair ? pair.Value : null;

        // ------------------------------------------------------------ full feature phase

        public void Start() => _ = ReadLoopAsync();

        /// <summary>Takes ExpCmdSN/MaxCmdSN from a PDU (RFC 7143 4.2.2.1: a MaxCmdSN below ExpCmdSN - 1 is ignored).</summary>
        private void Window(Pdu pdu)
        {
            var exp = pdu.U32(28);
            var max = pdu.U32(32);
            if ((int)(max - (exp - 1)) < 0) return;
            TaskCompletionSource? opened = null;
            lock (_window)
            {
                if ((int)(max - _maxCmdSn) > 0)
                {
                    _maxCmdSn = max;
                    opened = _windowOpened;
                    _windowOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            opened?.TrySetResult();
        }

        public async Task SendCommandAsync(Command command, ReadOnlyMemory<byte> cdb, TaskAttribute attribute, CancellationToken cancellationToken)
        {
            var write = !command.DataOut.IsEmpty;
            var immediate = write && Parameters.ImmediateData ? Math.Min(command.DataOut.Length, Math.Min(Parameters.FirstBurstLength, _targetSegment)) : 0;
            var unsolicited = write && !Parameters.InitialR2T ? Math.Min(command.DataOut.Length, Parameters.FirstBurstLength) - immediate : 0;
            while (true)
            {
                Task? windowOpened = null;
                await _send.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    lock (_window)
                    {
                        if ((int)(_cmdSn - _maxCmdSn) > 0) windowOpened = _windowOpened.Task;   // the target's window is full
                        else command.CmdSn = _cmdSn++;
                    }
                    if (windowOpened is null)
                    {
                        command.Itt = NextItt();
                        _commands[command.Itt] = command;
                        var pdu = new Pdu(Opcode.ScsiCommand)
                        {
                            Flags = (byte)((unsolicited > 0 ? 0 : 0x80) | (command.DataIn.IsEmpty ? 0 : 0x40) | (write ? 0x20 : 0) | AttributeCode(attribute)),
                            Itt = command.Itt,
                        };
                        LunFormat.Encode(command.Lun, pdu.Header.AsSpan(8, 8));
                        pdu.U32(20, (uint)(write ? command.DataOut.Length : command.DataIn.Length));
                        pdu.U32(24, command.CmdSn);
                        pdu.U32(28, _expStatSn);
                        cdb.Span.CopyTo(pdu.Header.AsSpan(32));
                        _framing.Write(_writer, pdu.Header, command.DataOut.Span[..immediate]);
                        if (unsolicited > 0) WriteDataOut(command, Pdu.ReservedTag, immediate, unsolicited);
                        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                        return;
                    }
                }
                finally
                {
                    _send.Release();
                }
                await windowOpened.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private static byte AttributeCode(TaskAttribute attribute) => attribute switch
        {
            TaskAttribute.Ordered => 2,
            TaskAttribute.HeadOfQueue => 3,
            _ => 1,
        };

        /// <summary>Writes one Data-Out sequence (segments of the target's MaxRecvDataSegmentLength, DataSN from 0, F on the last).</summary>
        private void WriteDataOut(Command command, uint ttt, int offset, int length)
        {
            uint dataSn = 0;
            var header = new Pdu(Opcode.DataOut);
            for (var sent = 0; sent < length;)
            {
                var n = Math.Min(_targetSegment, length - sent);
                Array.Clear(header.Header);
                header.Header[0] = Opcode.DataOut;
                header.Flags = (byte)(sent + n == length ? 0x80 : 0);
                header.Itt = command.Itt;
                LunFormat.Encode(command.Lun, header.Header.AsSpan(8, 8));
                header.U32(20, ttt);
                header.U32(28, _expStatSn);
                header.U32(36, dataSn++);
                header.U32(40, (uint)(offset + sent));
                _framing.Write(_writer, header.Header, command.DataOut.Span.Slice(offset + sent, n));
                sent += n;
            }
        }

        private async Task SendLockedAsync(Action write)
        {
            await _send.WaitAsync().ConfigureAwait(false);
            try
            {
                write();
                await _writer.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }

        private async Task ReadLoopAsync()
        {
            Exception? reason = null;
            try
            {
                while (await _framing.ReadAsync(_reader, CancellationToken.None).ConfigureAwait(false) is { } pdu)
                {
                    using (pdu) Dispatch(pdu);
                }
                reason = new IOException("The target closed the connection.");
            }
            catch (Exception e) when (e is IOException or SocketException or IscsiProtocolException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                reason = e;
            }
            Fail(reason);
        }

        private void Dispatch(Pdu pdu)
        {
            if (pdu.Opcode is not (Opcode.ReadyToTransfer or Opcode.AsyncMessage) && !(pdu.Opcode == Opcode.DataIn && (pdu.Flags & 0x01) == 0)
                && !(pdu.Opcode == Opcode.NopIn && pdu.Itt == Pdu.ReservedTag))
                _expStatSn = pdu.U32(24) + 1;
            Window(pdu);
            switch (pdu.Opcode)
            {
                case Opcode.DataIn when _commands.TryGetValue(pdu.Itt, out var c):
                {
                    var offset = (int)pdu.U32(40);
                    if (offset + pdu.DataLength > c.DataIn.Length) throw new IscsiProtocolException($"Data-In past the buffer of task {pdu.Itt:x8}.");
                    pdu.Data.CopyTo(c.DataIn.Span[offset..]);
                    c.Received = Math.Max(c.Received, offset + pdu.DataLength);
                    if ((pdu.Flags & 0x01) != 0) Complete(pdu.Itt, (ScsiStatus)pdu.Header[3], []);
                    break;
                }
                case Opcode.ScsiResponse:
                {
                    var sense = Array.Empty<byte>();
                    if (pdu.DataLength >= 2)
                    {
                        var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(pdu.Data), pdu.DataLength - 2);
                        sense = pdu.Data.Slice(2, length).ToArray();
                    }
                    Complete(pdu.Itt, pdu.Header[2] == 0 ? (ScsiStatus)pdu.Header[3] : ScsiStatus.CheckCondition, sense);
                    break;
                }
                case Opcode.ReadyToTransfer when _commands.TryGetValue(pdu.Itt, out var c):
                {
                    var (ttt, offset, length) = (pdu.U32(20), (int)pdu.U32(40), (int)pdu.U32(44));
                    if (offset + length > c.DataOut.Length) throw new IscsiProtocolException($"R2T past the data of task {pdu.Itt:x8}.");
                    _ = SendLockedAsync(() => WriteDataOut(c, ttt, offset, length)).ContinueWith(t => Fail(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
                    break;
                }
                case Opcode.NopIn when pdu.Itt == Pdu.ReservedTag && pdu.U32(20) != Pdu.ReservedTag:
                {
                    var ttt = pdu.U32(20);
                    var lun = pdu.Lun;
                    _ = SendLockedAsync(() =>
                    {
                        var reply = new Pdu(Opcode.NopOut) { Immediate = true, Flags = 0x80, Itt = Pdu.ReservedTag, Lun = lun };
                        reply.U32(20, ttt);
                        reply.U32(24, _cmdSn);
                        reply.U32(28, _expStatSn);
                        _framing.Write(_writer, reply.Header, []);
                    }).ContinueWith(t => Fail(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
                    break;
                }
                case Opcode.Reject when pdu.DataLength >= Pdu.BhsLength:
                {
                    var itt = BinaryPrimitives.ReadUInt32BigEndian(pdu.Data[16..]);
                    if (_commands.TryRemove(itt, out var c))
                        c.Completion.TrySetException(new IOException($"The target rejected the command (reason 0x{pdu.Header[2]:x2})."));
                    else if (_requests.TryRemove(itt, out var request)) request.TrySetException(new IOException($"The target rejected a request (reason 0x{pdu.Header[2]:x2})."));
                    break;
                }
                case Opcode.TaskManagementResponse or Opcode.TextResponse or Opcode.LogoutResponse or Opcode.NopIn:
                    if (_requests.TryRemove(pdu.Itt, out var pending))
                        pending.TrySetResult(new Pdu(pdu.Header, pdu.Ahs, null, 0) { });
                    if (pdu.Opcode == Opcode.TextResponse) _lastText = TextKeys.Parse(pdu.Data);
                    break;
            }
        }

        private List<KeyValuePair<string, string>> _lastText = [];

        private void Complete(uint itt, ScsiStatus status, byte[] sense)
        {
            if (_commands.TryRemove(itt, out var c)) c.Completion.TrySetResult((status, sense, c.Received));
        }

        /// <summary>Sends an immediate request (task management, text, logout) and waits for its answer.</summary>
        private async Task<Pdu> RequestAsync(Pdu request, byte[] data, CancellationToken cancellationToken)
        {
            var answer = new TaskCompletionSource<Pdu>(TaskCreationOptions.RunContinuationsAsynchronously);
            request.Itt = NextItt();
            _requests[request.Itt] = answer;
            await SendLockedAsync(() =>
            {
                request.U32(24, _cmdSn);
                request.U32(28, _expStatSn);
                _framing.Write(_writer, request.Header, data);
            }).ConfigureAwait(false);
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<List<KeyValuePair<string, string>>> TextAsync(List<KeyValuePair<string, string>> keys, CancellationToken cancellationToken)
        {
            Start();
            var text = new Pdu(Opcode.TextRequest) { Immediate = true, Flags = 0x80 };
            text.U32(20, Pdu.ReservedTag);
            await RequestAsync(text, TextKeys.Encode(keys), cancellationToken).ConfigureAwait(false);
            return _lastText;
        }

        /// <summary>ABORT TASK for a command the caller gave up on; it is then forgotten whatever the answer.</summary>
        public async Task AbortTaskAsync(Command command)
        {
            if (!_commands.TryRemove(command.Itt, out _)) return;
            var tmf = new Pdu(Opcode.TaskManagementRequest) { Immediate = true, Flags = 0x80 | TaskFunction.AbortTask };
            LunFormat.Encode(command.Lun, tmf.Header.AsSpan(8, 8));
            tmf.U32(20, command.Itt);
            tmf.U32(32, command.CmdSn);
            try
            {
                using var timeout = new CancellationTokenSource(Options.CommandTimeout);
                await RequestAsync(tmf, [], timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                Fail(e);
            }
        }

        public async Task LogoutAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await RequestAsync(new Pdu(Opcode.LogoutRequest) { Immediate = true, Flags = 0x80 }, [], timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // the connection is going anyway
            }
        }

        /// <summary>Ends the connection: every command and request on it fails with <paramref name="reason"/>.</summary>
        public void Fail(Exception? reason)
        {
            var error = reason as IOException ?? new IOException($"The connection to the target was lost: {reason?.Message ?? "closed"}", reason);
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            foreach (var itt in _commands.Keys)
                if (_commands.TryRemove(itt, out var c)) c.Completion.TrySetException(error);
            foreach (var itt in _requests.Keys)
                if (_requests.TryRemove(itt, out var r)) r.TrySetException(error);
            _completion.TrySetException(error);
        }

        public async Task CloseAsync()
        {
            Fail(null);
            await _send.WaitAsync().ConfigureAwait(false);
            try
            {
                await _reader.CompleteAsync().ConfigureAwait(false);
                await _writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
