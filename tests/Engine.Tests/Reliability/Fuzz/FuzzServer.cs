using System.Diagnostics;
using System.Net;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// A served partition to fuzz, built the way an administrator builds one: a managed system in a
/// temporary folder, VIOS partition vios1 with vhost0 (no CHAP) serving lpar2 and vhost1 (CHAP)
/// serving lpar3, one sparse disk on each, served over iSCSI on loopback by a
/// <see cref="ServingRegistry"/>. The fuzzed disk's canary blocks are filled before serving.
/// </summary>
public sealed class FuzzServer : IAsyncDisposable
{
    public const string ChapUser = "lpar3";
    public const string ChapSecretText = "fuzz-chap-secret-1";

    private readonly ServingRegistry _registry = new();
    private readonly int _partitionId;
    private bool _stopped;

    private FuzzServer(string folder, FuzzTarget target, int partitionId)
    {
        Folder = folder;
        Target = target;
        _partitionId = partitionId;
    }

    public string Folder { get; }
    public FuzzTarget Target { get; private set; }
    public IscsiPortal Portal { get; private set; } = null!;

    /// <summary>The canary hash taken before serving.</summary>
    public string CanaryBefore { get; private set; } = "";

    /// <summary>Log lines of the portal (refused logins, dropped connections), counted.</summary>
    public long LogLines => Interlocked.Read(ref _logLines);
    private long _logLines;

    /// <summary>Everything the portal logged, when <see cref="Start"/> was asked to keep it.</summary>
    public Action<string>? Log { get; set; }

    public static FuzzServer Start(long diskBytes, TimeSpan loginTimeout, TimeSpan keepAlive, int queueDepth = 32, string? folder = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "vscsi-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string target, initiator, chapTarget, chapInitiator;
        int partitionId;
        var disk = Path.Combine(folder, "fuzz.img");
        using (var s = ManagedSystem.Open(folder))
        {
            partitionId = s.CreatePartition("vios1", PartitionType.Vios).Id;
            s.CreatePartition("lpar2", PartitionType.AixLinux);
            s.CreatePartition("lpar3", PartitionType.AixLinux);
            var plain = s.AddAdapter("vios1", new AdapterRequest(AdapterKind.Server, 11, "lpar2", 3));
            var chap = s.AddAdapter("vios1", new AdapterRequest(AdapterKind.Server, 12, "lpar3", 3));
            var plainClient = s.AddAdapter("lpar2", new AdapterRequest(AdapterKind.Client, 3, "vios1", 11));
            var chapClient = s.AddAdapter("lpar3", new AdapterRequest(AdapterKind.Client, 3, "vios1", 12));
            s.SetIscsiSettings("lpar2", plainClient.Name, queueDepth: queueDepth);
            s.SetIscsiSettings("lpar3", chapClient.Name, queueDepth: queueDepth);
            s.SetIscsiSettings("vios1", chap.Name, chap: new ChapSecret(ChapUser, ChapSecretText));
            s.CreateVirtualDisk("vios1", "fuzz", disk, diskBytes);
            s.CreateVirtualDisk("vios1", "chapdisk", Path.Combine(folder, "chap.img"), 1 << 20);
            s.AddTargetDevice("vios1", plain.Name, "fuzz");
            s.AddTargetDevice("vios1", chap.Name, "chapdisk");
            (target, initiator) = (Name(s, "vios1", plain.Name), Name(s, "lpar2", plainClient.Name));
            (chapTarget, chapInitiator) = (Name(s, "vios1", chap.Name), Name(s, "lpar3", chapClient.Name));
        }
        var blocks = diskBytes / 512;
        var scratch = Math.Min(4096, blocks / 4);
        var layout = new FuzzTarget("", target, initiator, chapTarget, chapInitiator, ChapUser, ChapSecretText, 512, blocks,
            blocks / 2, scratch, 64, 16, disk);
        FuzzProbe.FillCanary(layout);
        var server = new FuzzServer(folder, layout, partitionId) { CanaryBefore = FuzzProbe.CanaryHash(layout) };
        server._registry.IscsiLog = line =>
        {
            Interlocked.Increment(ref server._logLines);
            server.Log?.Invoke(line);
        };
        var served = server._registry.Serve(folder, "vios1", new IPEndPoint(IPAddress.Loopback, 0));
        server.Portal = served.Portal!;
        server.Portal.LoginTimeout = loginTimeout;
        server.Portal.KeepAliveInterval = keepAlive;
        server.Target = layout with { EndPoint = ServingRegistry.FormatEndPoint(server.Portal.EndPoint) };
        return server;
    }

    private static string Name(ManagedSystem s, string partition, string adapter) =>
        s.GetAdapters(partition).Single(a => a.Name == adapter).Iscsi.Name;

    /// <summary>
    /// Stops serving (drain, flush, release): how long it took, null when it did not complete within
    /// the guard (which ends the wait, not the stop), and the fault when stopping threw.
    /// </summary>
    public async Task<(TimeSpan? Took, Exception? Fault)> StopAsync(TimeSpan guard)
    {
        if (_stopped) return (TimeSpan.Zero, null);
        _stopped = true;
        var clock = Stopwatch.StartNew();
        try
        {
            await _registry.StopAsync(Folder, _partitionId).WaitAsync(guard).ConfigureAwait(false);
            return (clock.Elapsed, null);
        }
        catch (TimeoutException)
        {
            return (null, null);
        }
        catch (Exception e)
        {
            return (clock.Elapsed, e);
        }
    }

    /// <summary>The stop's outcome as findings (hung or failed), for the report of a run.</summary>
    public async Task<IReadOnlyList<FuzzFinding>> StopFindingsAsync(long seed, TimeSpan guard)
    {
        var (took, fault) = await StopAsync(guard).ConfigureAwait(false);
        var findings = new List<FuzzFinding>();
        if (took is null) findings.Add(new FuzzFinding(seed, FuzzPhase.FullFeature, -1, FindingKind.ShutdownHung, $"stopping the partition took more than {guard.TotalSeconds:0} s"));
        if (fault is not null) findings.Add(new FuzzFinding(seed, FuzzPhase.FullFeature, -1, FindingKind.ShutdownFailed, $"stopping the partition threw {fault.GetType().Name}: {fault.Message}"));
        if (FuzzProbe.CanaryHash(Target) != CanaryBefore)
            findings.Add(new FuzzFinding(seed, FuzzPhase.FullFeature, -1, FindingKind.CanaryChanged, "blocks outside the scratch and probe ranges changed (lba+count): " + string.Join(" ", FuzzProbe.CanaryDiff(Target))));
        return findings;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        try
        {
            await _registry.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log?.Invoke("disposing the serving registry threw: " + e.Message);
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
