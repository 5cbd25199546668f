using VScsi.Engine.Transport;
using VScsi.Engine.Backup;
using System.Buffers.Binary;
using System.Diagnostics;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Runtime;
using VScsi.Engine.Transport.InProcess;
using VScsi.Engine.Transport.Iscsi;

// Usage: dotnet run -c Release --project bench/VScsi.Bench -- [seconds-per-run=3] [runs=3] [file-MiB=1024] [workload]
// (workload: a part of a workload's name, e.g. "read, depth 32", to run only the matching ones)
// Each workload runs against the same preallocated file, first with RandomAccess directly (the raw
// limit), then through a ClientSession (in-process transport, SCSI target, disk logical unit).
// Prints the median of the runs for both and their ratio.
//
//    or: dotnet run -c Release --project bench/VScsi.Bench -- iscsi iscsi://host:port/iqn/lun [seconds=10] [runs=3] [workload]
// Our iSCSI initiator against any target: 4 KiB random read at depth 32 and 1 MiB sequential read
// at depth 8 (reads only: the LUN's data is untouched). Prints "workload median-ops/s" lines.
if (args.Length > 1 && args[0] == "iscsi")
{
    await IscsiBench(new Uri(args[1]), args.Length > 2 ? double.Parse(args[2]) : 10, args.Length > 3 ? int.Parse(args[3]) : 3, args.Length > 4 ? args[4] : null);
    return;
}
var seconds = args.Length > 0 ? double.Parse(args[0]) : 3;
var runs = args.Length > 1 ? int.Parse(args[1]) : 3;
var sizeMiB = args.Length > 2 ? long.Parse(args[2]) : 1024;
var only = args.Length > 3 ? args[3] : null;
var path = Path.Combine(Path.GetTempPath(), $"vscsi-bench-{Guid.NewGuid():N}.img");
var size = sizeMiB << 20;

try
{
    var file = FileBlockStore.Create(path, size, preallocate: true);
    await Fill(file, size);
    await using var store = TrackedBlockStore.Open(file);   // as a served disk: changed blocks tracked for incremental backups
    var target = new ScsiTarget();
    target.TryAdd(0, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "BENCH", Guid.NewGuid()), store));
    await using var session = new ClientSession(target, "bench/vscsi0", queueDepth: 32);
    await session.ExecuteAsync(0, new byte[6], default, 0); // consume the power-on unit attention
    using var raw = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.Asynchronous);

    Console.WriteLine($"VScsi benchmark: {Environment.ProcessorCount} cores, {sizeMiB} MiB file, {runs} x {seconds} s per figure, medians");
    Console.WriteLine($"{"workload",-32} {"raw RandomAccess",18} {"VScsi session",16} {"ratio",7}");
    var workloads = new (string Name, int Block, int Depth, bool Random, bool Write)[]
    {
        ("4 KiB random read, depth 1", 4096, 1, true, false),
        ("4 KiB random read, depth 32", 4096, 32, true, false),
        ("4 KiB random write, depth 1", 4096, 1, true, true),
        ("4 KiB random write, depth 32", 4096, 32, true, true),
        ("1 MiB sequential read, depth 8", 1 << 20, 8, false, false),
        ("1 MiB sequential write, depth 8", 1 << 20, 8, false, true),
    };
    foreach (var w in workloads.Where(w => only is null || w.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
    {
        var rawRates = new List<double>();
        var vscsiRates = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            rawRates.Add(await Run(w.Block, w.Depth, w.Random, size, seconds, (offset, buffer) =>
                w.Write ? RandomAccess.WriteAsync(raw, buffer, offset) : Ignore(RandomAccess.ReadAsync(raw, buffer, offset))));
            vscsiRates.Add(await Run(w.Block, w.Depth, w.Random, size, seconds, async (offset, buffer) =>
            {
                var blocks = (uint)(buffer.Length / 512);
                var cdb = new byte[16];
                cdb[0] = w.Write ? (byte)0x8A : (byte)0x88;
                BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), (ulong)(offset / 512));
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
                var (status, _, _) = w.Write
                    ? await session.ExecuteAsync(0, cdb, buffer, Memory<byte>.Empty)
                    : await session.ExecuteAsync(0, cdb, default, buffer);
                if (status != ScsiStatus.Good) throw new InvalidOperationException($"status {status}");
            }));
        }
        double rawMedian = Median(rawRates), vscsiMedian = Median(vscsiRates);
        var unit = w.Block >= 1 << 20 ? "MiB/s" : "IOPS";
        string Show(double ops) => unit == "MiB/s" ? $"{ops * w.Block / (1 << 20):N0} {unit}" : $"{ops / 1000:N1}k {unit}";
        Console.WriteLine($"{w.Name,-32} {Show(rawMedian),18} {Show(vscsiMedian),16} {vscsiMedian / rawMedian,7:N2}");
    }
}
finally
{
    File.Delete(path);
    File.Delete(path + ".cbt");
}

static async ValueTask Ignore(ValueTask<int> read) => await read;

static async Task IscsiBench(Uri url, double seconds, int runs, string? only)
{
    var path = url.AbsolutePath.Trim('/').Split('/');
    var options = new IscsiClientOptions(url.Host, url.Port > 0 ? url.Port : 3260, path[0], "iqn.2026-11.org.vscsi:bench.initiator") { QueueDepth = 32 };
    await using var client = await IscsiClient.ConnectAsync(options);
    var lun = ulong.Parse(path[1]);
    var capacity = new byte[16];
    capacity[0] = 0x9E;
    capacity[1] = 0x10;
    capacity[13] = 32;
    var answer = await ClientDevices.RetryAttentionAsync(client, lun, capacity, 32, CancellationToken.None);
    var size = (long)(BinaryPrimitives.ReadUInt64BigEndian(answer.Data) + 1) * BinaryPrimitives.ReadInt32BigEndian(answer.Data.AsSpan(8));
    foreach (var (name, block, depth, random) in new[] { ("randread-4k-qd32", 4096, 32, true), ("read-1m-qd8", 1 << 20, 8, false) })
    {
        if (only is not null && only != name) continue;
        var rates = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            rates.Add(await Run(block, depth, random, size, seconds, async (offset, buffer) =>
            {
                var cdb = new byte[16];
                cdb[0] = 0x88;
                BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), (ulong)(offset / 512));
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), (uint)(buffer.Length / 512));
                var (status, _, _) = await client.ExecuteAsync(lun, cdb, default, buffer);
                if (status != ScsiStatus.Good) throw new InvalidOperationException($"status {status}");
            }));
        }
        Console.WriteLine($"{name} {Median(rates):F0}");
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static async Task Fill(FileBlockStore store, long size)
{
    var chunk = new byte[1 << 20];
    Random.Shared.NextBytes(chunk);
    for (long o = 0; o < size; o += chunk.Length)
        await store.WriteAsync((ulong)(o / 512), chunk, false, CancellationToken.None);
    await store.FlushAsync(CancellationToken.None);
}

// Runs <depth> workers issuing <block>-sized I/O for <seconds>; returns operations per second.
static async Task<double> Run(int block, int depth, bool random, long size, double seconds, Func<long, Memory<byte>, ValueTask> io)
{
    var stop = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    long operations = 0, next = 0;
    var blocks = size / block;
    // Each worker starts on the thread pool: an I/O that completes synchronously (a page-cache hit)
    // would otherwise keep the first worker looping on this thread until the deadline, so only one
    // command would ever be in flight whatever the depth.
    var workers = Enumerable.Range(0, depth).Select(worker => Task.Run(async () =>
    {
        var buffer = new byte[block];
        Random.Shared.NextBytes(buffer);
        var rng = new Random(worker);
        while (stop.Elapsed < deadline)
        {
            var index = random ? rng.NextInt64(blocks) : Interlocked.Increment(ref next) % blocks;
            await io(index * block, buffer);
            Interlocked.Increment(ref operations);
        }
    })).ToList();
    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    await Task.WhenAll(workers);
    if (Environment.GetEnvironmentVariable("VSCSI_BENCH_CPU") == "1") // CPU time per operation, less noisy than rates on a shared machine
        Console.Error.WriteLine($"  cpu {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds * 1000 / operations:F0} ns/op");
    return operations / stop.Elapsed.TotalSeconds;
}
