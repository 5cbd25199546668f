using System.Diagnostics;
using System.Reflection;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>Two real processes changing one managed system at once lose no update.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TwoProcesses_WritingAtOnce_EveryWriteKept()
    {
        _temp.Do(s => s.CreatePartition("hub", PartitionType.Vios, maxVirtualSlots: 200));
        var probe = typeof(ConcurrencyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ConcurrencyProbe").Value!;
        Assert.True(File.Exists(probe), $"{probe} was not built");
        const int count = 30;
        var processes = new[] { "a", "b" }.Select(prefix => Process.Start(new ProcessStartInfo("dotnet", [probe, _temp.Folder, prefix, count.ToString()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!).ToList();
        foreach (var p in processes)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stderr = await p.StandardError.ReadToEndAsync(timeout.Token);
            await p.WaitForExitAsync(timeout.Token);
            Assert.True(p.ExitCode == 0, stderr);
        }

        using var s = _temp.Open();
        Assert.Equal(2 * count + 1, s.GetPartitions().Count);
        var hub = s.GetAdapters("hub");
        Assert.Equal(2 * count, hub.Count);
        Assert.Equal(2 * count, hub.Select(a => a.Definition.RemoteName).Distinct().Count());
        Assert.Equal(2 * count, hub.Select(a => a.Definition.Slot).Distinct().Count());
    }
}
