using System.Diagnostics;
using VScsi.Engine.Backup;
using VScsi.Engine.Storage;

// Usage: dotnet run -c Release --project bench/VScsi.BackupBench -- [runs=3] [image-MiB=512] [images=2]
// Makes <images> sparse images, each with 50% of its 1 MiB regions written with random data
// (the rest holes), then per run, in this order so drift hits all alike:
//   tar     GNU tar --sparse -cf of the images (the peer)
//   full    a full VScsi backup of the same images (offline: read from the files)
//   incr    an incremental after writing 1% of the 4 KiB blocks at random through a tracked store
//   incr-c  an incremental after writing 1% of the blocks in runs of 64 KiB (clustered, as file systems write)
//   online  an incremental of the images while they are open as served disks (snapshot, copy-on-write),
//           after 1% random 4 KiB writes through them
//   copy    a raw copy of the images (File.Copy, the restore's limit)
//   restore a restore of the full backup to new files
// Prints the medians (seconds) and the ratios the issue asks for.
var runs = args.Length > 0 ? int.Parse(args[0]) : 3;
var sizeMiB = args.Length > 1 ? int.Parse(args[1]) : 512;
var count = args.Length > 2 ? int.Parse(args[2]) : 2;
var root = Path.Combine(Path.GetTempPath(), $"vscsi-backupbench-{Guid.NewGuid():N}");
Directory.CreateDirectory(root);
try
{
    var images = Enumerable.Range(0, count).Select(i => Path.Combine(root, $"disk{i}.img")).ToList();
    foreach (var image in images) await MakeImage(image, (long)sizeMiB << 20);
    var devices = images.Select(p => new BackupDevice(Path.GetFileNameWithoutExtension(p), p)).ToList();
    var times = new Dictionary<string, List<double>>();
    void Add(string name, double seconds) => (times.TryGetValue(name, out var l) ? l : times[name] = []).Add(seconds);
    for (var r = 0; r < runs; r++)
    {
        var output = Path.Combine(root, $"run{r}");
        Directory.CreateDirectory(output);
        Add("tar", Time(() => Tar(Path.Combine(output, "peer.tar"), root, images)));
        var full = await BackupEngine.BackupAsync(new BackupRequest("bench", devices, "{}"u8.ToArray(), output), null, CancellationToken.None);
        Add("full", full.Duration.TotalSeconds);
        await TouchFiles(images, clustered: false);
        var inc = await BackupEngine.BackupAsync(new BackupRequest("bench", devices, "{}"u8.ToArray(), output, BackupType.Incremental), null, CancellationToken.None);
        Add("incr", inc.Duration.TotalSeconds);
        await TouchFiles(images, clustered: true);
        var incC = await BackupEngine.BackupAsync(new BackupRequest("bench", devices, "{}"u8.ToArray(), output, BackupType.Incremental), null, CancellationToken.None);
        Add("incr-c", incC.Duration.TotalSeconds);
        var served = images.Select(i => TrackedBlockStore.Open(FileBlockStore.Open(i))).ToList();
        await Touch(served, clustered: false);
        var live = devices.Select((d, i) => d with { Live = served[i] }).ToList();
        var online = await BackupEngine.BackupAsync(new BackupRequest("bench", live, "{}"u8.ToArray(), output, BackupType.Incremental), null, CancellationToken.None);
        Add("online", online.Duration.TotalSeconds);
        foreach (var store in served) await store.DisposeAsync();
        Add("copy", Time(() => { foreach (var i in images) File.Copy(i, Path.Combine(output, "copy-" + Path.GetFileName(i))); }));
        var targets = images.Select(i => new RestoreTarget(Path.GetFileNameWithoutExtension(i), Path.Combine(output, "restored-" + Path.GetFileName(i)))).ToList();
        var watch = Stopwatch.StartNew();
        await BackupRestorer.RestoreAsync([full.Path], targets, null, CancellationToken.None);
        Add("restore", watch.Elapsed.TotalSeconds);
        Console.Error.WriteLine($"run {r + 1}: stored full {full.StoredBytes >> 20} MiB, incr {inc.StoredBytes >> 20} MiB, incr-c {incC.StoredBytes >> 20} MiB");
        Directory.Delete(output, true);
    }
    double M(string name) => times[name].Order().ElementAt(times[name].Count / 2);
    var data = (long)sizeMiB * count / 2;
    Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}, {Environment.ProcessorCount} cores, {count} x {sizeMiB} MiB sparse images, {data} MiB of data, medians of {runs} runs (seconds)");
    Console.WriteLine($"{"step",-10} {"seconds",8}  MiB/s of data");
    foreach (var name in new[] { "tar", "full", "incr", "incr-c", "online", "copy", "restore" })
        Console.WriteLine($"{name,-10} {M(name),8:F3}  {data / M(name),8:F0}");
    Console.WriteLine($"full vs tar --sparse: {M("tar") / M("full"):F2}x faster (goal > 1)");
    Console.WriteLine($"full vs incremental, 1% random 4 KiB blocks: {M("full") / M("incr"):F1}x; 1% in 64 KiB runs: {M("full") / M("incr-c"):F1}x; online, 1% random: {M("full") / M("online"):F1}x (goal >= 20)");
    Console.WriteLine($"restore vs raw copy: {M("copy") / M("restore"):F2} of the copy's speed (the copy reads holes as zeros and writes them)");
}
finally
{
    Directory.Delete(root, true);
}

static double Time(Action action)
{
    var watch = Stopwatch.StartNew();
    action();
    return watch.Elapsed.TotalSeconds;
}

static void Tar(string archive, string folder, List<string> images)
{
    var start = new ProcessStartInfo("tar") { WorkingDirectory = folder };
    foreach (var a in new[] { "--sparse", "-cf", archive }.Concat(images.Select(Path.GetFileName))) start.ArgumentList.Add(a!);
    using var p = Process.Start(start)!;
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException("tar failed");
}

static async Task MakeImage(string path, long size)
{
    await using var store = FileBlockStore.Create(path, size);
    var chunk = new byte[1 << 20];
    for (long o = 0; o < size; o += chunk.Length * 2L)
    {
        Random.Shared.NextBytes(chunk);
        await store.WriteAsync((ulong)(o / 512), chunk, false, CancellationToken.None);
    }
}

// Writes 1% of each image's 4 KiB blocks through a tracked store (so the changes are tracked, as when served).
static async Task TouchFiles(List<string> images, bool clustered)
{
    foreach (var image in images)
    {
        await using var store = TrackedBlockStore.Open(FileBlockStore.Open(image));
        await Touch([store], clustered);
    }
}

static async Task Touch(List<TrackedBlockStore> stores, bool clustered)
{
    var block = new byte[4096];
    foreach (var store in stores)
    {
        var blocks = (long)store.BlockCount * 512 / 4096;
        var touches = blocks / 100;
        for (long i = 0; i < touches;)
        {
            var run = clustered ? 16 : 1;
            var first = Random.Shared.NextInt64(blocks - run);
            for (var k = 0; k < run && i < touches; k++, i++)
            {
                Random.Shared.NextBytes(block);
                await store.WriteAsync((ulong)((first + k) * 8), block, false, CancellationToken.None);
            }
        }
        await store.FlushAsync(CancellationToken.None);
    }
}
