using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Two writers at once: every write of both survives (busy timeout, IMMEDIATE transactions, no lost updates).</summary>
public sealed partial class SystemDatabaseTests
{
    private const int ProbeCount = 40;

    private static string ProbePath() =>
        typeof(SystemDatabaseTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ConcurrencyProbe").Value!;

    private static Process StartProbe(string probe, string folder, string prefix, string goFile)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [probe, folder, prefix, ProbeCount.ToString(System.Globalization.CultureInfo.InvariantCulture), goFile])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    [Fact]
    public async Task TwoProcesses_WritingAtOnce_EveryWriteOfBothKept()
    {
        var probe = ProbePath();
        Assert.True(File.Exists(probe), $"{probe} was not built");
        _temp.Do(s => s.CreatePartition("hub", PartitionType.Vios, maxVirtualSlots: 200));
        var goFile = Path.Combine(_temp.Folder, "go");
        var processes = new[] { "a", "b" }.Select(prefix => StartProbe(probe, _temp.Folder, prefix, goFile)).ToList();
        try
        {
            var outputs = processes.Select(p => Task.WhenAll(p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync())).ToList();
            await File.WriteAllTextAsync(goFile, "go"); // both are started: let them write together
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            for (var i = 0; i < processes.Count; i++)
            {
                await processes[i].WaitForExitAsync(timeout.Token);
                var output = await outputs[i];
                Assert.True(processes[i].ExitCode == 0, $"probe {i} exited with {processes[i].ExitCode}: {output[0]}{output[1]}");
            }
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }

        using var s = _temp.Open();
        var expected = new[] { "a", "b" }.SelectMany(prefix => Enumerable.Range(0, ProbeCount).Select(i => $"{prefix}{i}")).ToHashSet();
        Assert.Equal(expected.Append("hub").Order(), s.GetPartitions().Select(p => p.Name).Order());
        Assert.Equal(Enumerable.Range(1, 2 * ProbeCount + 1), s.GetPartitions().Select(p => p.Id).Order());
        var hub = s.GetAdapters("hub");
        Assert.Equal(expected.Order(), hub.Select(a => a.Definition.RemoteName).Order());
        Assert.Equal(2 * ProbeCount, hub.Select(a => a.Definition.Slot).Distinct().Count());
        Assert.Equal(2 * ProbeCount, hub.Select(a => a.Name).Distinct().Count());
        Assert.All(hub, a => Assert.Equal(PairingStatus.Paired, a.Pairing));
        Assert.Empty(s.Test());
    }

    [Fact]
    public void Open_ManyOpenersOfANewFolderAtOnce_AllSucceedWithOneSerial()
    {
        // Two cmdlets (or processes) touching a system for the first time together must both get it.
        // The race window is narrow, so many rounds of eight openers each.
        const int Rounds = 25, Openers = 8;
        var failures = new ConcurrentBag<string>();
        for (var round = 0; round < Rounds; round++)
        {
            using var temp = new TempSystem();
            var serials = new ConcurrentBag<string>();
            using var go = new ManualResetEventSlim();
            var threads = Enumerable.Range(0, Openers).Select(_ => new Thread(() =>
            {
                go.Wait();
                try
                {
                    using var s = temp.Open();
                    serials.Add(s.GetSystem().Serial);
                }
                catch (ConfigurationException e)
                {
                    failures.Add($"{e.Error}: {e.Message}");
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            go.Set();
            threads.ForEach(t => t.Join());
            Assert.True(serials.Distinct().Count() <= 1, $"several systems were created: {string.Join(", ", serials.Distinct())}");
        }
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Rounds * Openers} opens failed, e.g. {failures.FirstOrDefault()}");
    }
}
