using VScsi.Engine.Transport;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.Engine.Tests.Configuration;
using VScsi.Engine.Tests.Scsi;

namespace VScsi.Engine.Tests.Runtime;

/// <summary>Serving a VIOS partition's mapped disks and connecting its clients in process.</summary>
public sealed class ServingRegistryTests : IAsyncLifetime
{
    private readonly TempSystem _temp = new();
    private readonly ServingRegistry _registry = new();

    public Task InitializeAsync()
    {
        using var s = _temp.Open();
        Topologies.Vios1ServingLpar2AndLpar3(s);
        foreach (var (disk, adapter) in new[] { ("a0", "vhost0"), ("a1", "vhost0"), ("b0", "vhost1") })
        {
            s.CreateVirtualDisk("vios1", disk, Path.Combine(_temp.Folder, disk + ".img"), 4 << 20);
            s.AddTargetDevice("vios1", adapter, disk);
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _temp.Dispose();
    }

    private VirtualScsiAdapter Client(string partition)
    {
        using var s = _temp.Open();
        return s.GetAdapters(partition, AdapterKind.Client).Single();
    }

    [Fact]
    public async Task ServeAndConnect_EachClientSeesItsOwnDisksAndDataSurvivesARestart()
    {
        _registry.Serve(_temp.Folder, "vios1");
        var a = _registry.Connect(_temp.Folder, Client("lpar2"), 16);
        var b = _registry.Connect(_temp.Folder, Client("lpar3"), 16);
        Assert.Equal(["hdisk0", "hdisk1"], (await ClientDevices.DiscoverAsync(a)).Select(d => d.Name));
        Assert.Single(await ClientDevices.DiscoverAsync(b));
        var pattern = Enumerable.Repeat((byte)0x42, 512).ToArray();
        Assert.True((await a.ExecuteAsync(1, CdbBuilder.Write(10, 7, 1), pattern, 0)).IsGood);

        await _registry.StopAsync(_temp.Folder, 1);
        _registry.Serve(_temp.Folder, "vios1");
        var again = _registry.Connect(_temp.Folder, Client("lpar2"), 16);
        var back = await ClientDevices.RetryAttentionAsync(again, 1, CdbBuilder.Read(10, 7, 1), 512, default);
        Assert.Equal(pattern, back.Data);
    }

    [Fact]
    public void Connect_Refusals()
    {
        var e = Assert.Throws<ServingException>(() => _registry.Connect(_temp.Folder, Client("lpar2"), 16));
        Assert.Equal("ServerPartitionNotServing", e.Error);
        _registry.Serve(_temp.Folder, "vios1");
        _registry.Connect(_temp.Folder, Client("lpar2"), 16);
        Assert.Equal("ClientAdapterInUse", Assert.Throws<ServingException>(() => _registry.Connect(_temp.Folder, Client("lpar2"), 16)).Error);
        Assert.Equal("PartitionAlreadyServed", Assert.Throws<ServingException>(() => _registry.Serve(_temp.Folder, "vios1")).Error);
        Assert.Equal("PartitionCannotServe", Assert.Throws<ServingException>(() => _registry.Serve(_temp.Folder, "lpar2")).Error);
    }

    [Fact]
    public async Task Serve_SecondRegistry_LockedOut()
    {
        _registry.Serve(_temp.Folder, "vios1");
        await using var other = new ServingRegistry();
        Assert.Equal("PartitionServedElsewhere", Assert.Throws<ServingException>(() => other.Serve(_temp.Folder, "vios1")).Error);
    }
}
