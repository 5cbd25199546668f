using System.Buffers.Binary;
using System.Diagnostics;
using VScsi.Engine.Configuration;
using VScsi.Engine.Scsi;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.ServeProbe;

/// <summary>What a crash-cycle run found (the figures docs/reliability.md reports).</summary>
public sealed record CrashCycleFigures(int Seed, int Cycles, int Starts, long Attempts, long Acknowledged, long Lost, IReadOnlyList<string> Failures,
    IReadOnlyList<string> Warnings)
{
    public override string ToString() =>
        $"seed {Seed}: {Cycles} kill -9 cycles, {Starts} starts, {Attempts} write attempts, {Acknowledged} acknowledged blocks, {Lost} lost, {Failures.Count} failures";
}

/// <summary>
/// The kill -9 crash cycle (issue 10, item 4): a ServeProbe process serves vios1's disk over iSCSI; a
/// writer in this process writes numbered blocks, each to a block never written before, with FUA
/// (SBC-4 5.41: the data is on the medium before GOOD) or as WRITE then SYNCHRONIZE CACHE (SBC-4 5.29),
/// and records every block the target acknowledged; after a seeded number of acknowledgements the
/// serving process is killed with SIGKILL while writes are in flight, started again (it must serve,
/// not refuse with PartitionRunning), and every acknowledged block so far must read back exactly.
/// Each cycle kills after between <paramref name="minAcknowledged"/> and <paramref name="maxAcknowledged"/> acknowledgements.
/// </summary>
public sealed class CrashCycle(string probeDll, string folder, int seed, TextWriter log, int minAcknowledged = 50, int maxAcknowledged = 400)
{
    private const int BlockSize = 512;
    private const int DiskBlocks = 1 << 18;          // 128 MiB: room for every block of a long soak, each written once
    private const int Writers = 8;
    private const byte Write10 = 0x2A, Read10 = 0x28, SynchronizeCache10 = 0x35, Fua = 0x08;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Random _random = new(seed);
    private readonly Dictionary<uint, uint> _acknowledged = [];   // LBA -> the number written there
    private readonly List<string> _failures = [];
    private readonly List<string> _warnings = [];
    private uint _next;
    private long _attempts;
    private int _starts;

    /// <summary>vios1 (Vios) serving lpar2 a disk on vhost0; the iSCSI names the writer logs in with.</summary>
    public static (string Target, string Initiator) CreateSystem(string folder)
    {
        using var s = ManagedSystem.Open(folder);
        s.CreatePartition("vios1", PartitionType.Vios);
        s.CreatePartition("lpar2", PartitionType.AixLinux);
        s.AddAdapter("vios1", new AdapterRequest(AdapterKind.Server, 11, "lpar2", 3, false, null));
        s.AddAdapter("lpar2", new AdapterRequest(AdapterKind.Client, 3, "vios1", 11, false, null));
        s.CreateVirtualDisk("vios1", "crash0", Path.Combine(folder, "crash0.img"), (long)DiskBlocks * BlockSize, BlockSize);
        s.AddTargetDevice("vios1", "vhost0", "crash0");
        return (s.GetAdapters("vios1", AdapterKind.Server).Single().Iscsi.Name, s.GetAdapters("lpar2", AdapterKind.Client).Single().Iscsi.Name);
    }

    public async Task<CrashCycleFigures> RunAsync(int cycles, CancellationToken cancellationToken)
    {
        var (target, initiator) = CreateSystem(folder);
        var order = Enumerable.Range(0, DiskBlocks).Select(i => (uint)i).ToArray();
        _random.Shuffle(order);                       // numbered blocks land all over the disk
        for (var cycle = 1; cycle <= cycles + 1 && _failures.Count == 0; cycle++)
        {
            using var server = await StartAsync(cancellationToken).ConfigureAwait(false);
            if (server.Port is not int port) break;
            await using var client = await IscsiClient.ConnectAsync(new IscsiClientOptions("127.0.0.1", port, target, initiator)
            {
                ReconnectAttempts = 0,
                QueueDepth = Writers,
                CommandTimeout = TimeSpan.FromSeconds(30),
            }, cancellationToken).ConfigureAwait(false);
            await VerifyAsync(client, cycle, cancellationToken).ConfigureAwait(false);
            if (cycle > cycles)
            {
                await server.StopAsync().ConfigureAwait(false);   // the last start only checks; it stops cleanly
                break;
            }
            var killAfter = _random.Next(minAcknowledged, maxAcknowledged);
            await WriteUntilKilledAsync(client, server, order, killAfter, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"cycle {cycle}: killed after {killAfter}+ acknowledgements; {_acknowledged.Count} acknowledged so far");
        }
        var lost = _failures.Count(f => f.StartsWith("lost", StringComparison.Ordinal));
        return new CrashCycleFigures(seed, Math.Min(cycles, Math.Max(0, _starts - 1)), _starts, _attempts, _acknowledged.Count, lost, _failures, _warnings);
    }

    /// <summary>Writers write fresh numbered blocks until the server has been killed (after <paramref name="killAfter"/> acknowledgements) and their commands fail.</summary>
    private async Task WriteUntilKilledAsync(IscsiClient client, ServerProcess server, uint[] order, int killAfter, CancellationToken cancellationToken)
    {
        var acknowledgedHere = 0;
        var killed = 0;
        var gate = new object();
        async Task WriterAsync()
        {
            while (true)
            {
                uint lba, number;
                lock (gate)
                {
                    if (_next == order.Length) return;
                    number = _next++;
                    lba = order[number];
                    _attempts++;
                }
                var block = Pattern(lba, number);
                try
                {
                    var synced = number % 2 == 0
                        ? await GoodAsync(client, Cdb(Write10, lba, Fua), block, cancellationToken).ConfigureAwait(false)
                        : await GoodAsync(client, Cdb(Write10, lba, 0), block, cancellationToken).ConfigureAwait(false)
                          && await GoodAsync(client, Cdb(SynchronizeCache10, lba, 0), default, cancellationToken).ConfigureAwait(false);
                    if (!synced) continue;   // refused with sense: not acknowledged
                }
                catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException)
                {
                    return;                  // the server is gone: this write may or may not have landed
                }
                lock (gate)
                {
                    _acknowledged[lba] = number;
                    if (++acknowledgedHere == killAfter && Interlocked.Exchange(ref killed, 1) == 0) server.Kill();
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(WriterAsync, cancellationToken))).ConfigureAwait(false);
        if (Interlocked.Exchange(ref killed, 1) == 0) server.Kill();   // the disk filled up first
        await server.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Every acknowledged block reads back exactly as written.</summary>
    private async Task VerifyAsync(IscsiClient client, int cycle, CancellationToken cancellationToken)
    {
        var data = new byte[BlockSize];
        foreach (var (lba, number) in _acknowledged.OrderBy(kv => kv.Key))
        {
            var (status, _, length) = await RetryAttentionAsync(client, Cdb(Read10, lba, 0), default, data, cancellationToken).ConfigureAwait(false);
            if (status != ScsiStatus.Good || length != BlockSize || !data.AsSpan().SequenceEqual(Pattern(lba, number)))
                _failures.Add($"lost: block {number} at LBA {lba}, acknowledged before kill {cycle - 1}, reads back {(status == ScsiStatus.Good ? "different data" : status.ToString())}");
        }
    }

    private static async Task<bool> GoodAsync(IscsiClient client, byte[] cdb, ReadOnlyMemory<byte> dataOut, CancellationToken cancellationToken) =>
        (await RetryAttentionAsync(client, cdb, dataOut, default, cancellationToken).ConfigureAwait(false)).Status == ScsiStatus.Good;

    /// <summary>A new session first hears UNIT ATTENTION (power on, SPC-5 6.1 and SAM-5 5.14): the command is repeated.</summary>
    private static async Task<(ScsiStatus Status, byte[] Sense, int Length)> RetryAttentionAsync(IscsiClient client, byte[] cdb, ReadOnlyMemory<byte> dataOut, Memory<byte> dataIn,
        CancellationToken cancellationToken)
    {
        const int UnitAttention = 0x06;
        for (var attempt = 0; ; attempt++)
        {
            var result = await client.ExecuteAsync(0, cdb, dataOut, dataIn, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (attempt < 8 && result.Status == ScsiStatus.CheckCondition && result.Sense.Length > 2 && (result.Sense[2] & 0x0F) == UnitAttention) continue;
            return result;
        }
    }

    /// <summary>READ(10), WRITE(10), SYNCHRONIZE CACHE(10) of one block (SBC-4 5.15, 5.40, 5.29): LBA at bytes 2-5, length at 7-8.</summary>
    private static byte[] Cdb(byte operation, uint lba, byte flags)
    {
        var cdb = new byte[10];
        cdb[0] = operation;
        cdb[1] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), 1);
        return cdb;
    }

    /// <summary>Block <paramref name="number"/>'s content: its number and LBA, then bytes derived from both.</summary>
    private static byte[] Pattern(uint lba, uint number)
    {
        var block = new byte[BlockSize];
        BinaryPrimitives.WriteUInt32BigEndian(block, number);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(4), lba);
        for (var i = 8; i < block.Length; i++) block[i] = (byte)((number * 31) + (lba * 7) + i);
        return block;
    }

    private async Task<ServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        _starts++;
        var server = ServerProcess.Start(probeDll, folder);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        var line = await server.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        _warnings.AddRange(server.Warnings);
        if (line?.StartsWith("SERVING ", StringComparison.Ordinal) == true)
        {
            server.Port = int.Parse(line["SERVING ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return server;
        }
        _failures.Add($"start {_starts} failed: {line ?? "(no output)"} {string.Join(" ", server.Warnings)}");
        server.Kill();
        return server;
    }

    /// <summary>One ServeProbe process; disposing kills it if it still runs.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _warnings = [];

        private ServerProcess(Process process) => _process = process;

        public int? Port { get; set; }

        public IReadOnlyList<string> Warnings { get { lock (_warnings) return _warnings.ToList(); } }

        public static ServerProcess Start(string probeDll, string folder)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [probeDll, folder, "vios1"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
            server._process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (server._warnings) server._warnings.Add(l); };
            server._process.BeginErrorReadLine();
            return server;
        }

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);

        /// <summary>SIGKILL on Unix (Process.Kill), TerminateProcess on Windows: no chance to clean up.</summary>
        public void Kill()
        {
            try { _process.Kill(); }
            catch (InvalidOperationException) { }   // already gone
        }

        public Task WaitForExitAsync() => _process.WaitForExitAsync();

        /// <summary>Stops the way a service manager does when not crashing it: end of input (SIGTERM works too).</summary>
        public async Task StopAsync()
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        public void Dispose()
        {
            Kill();
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
