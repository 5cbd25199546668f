using VScsi.Engine.Transport;
using VScsi.Engine.Runtime;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Tests.Scsi;
using VScsi.Engine.Transport.InProcess;

namespace VScsi.Engine.Tests.Transport;

/// <summary>In-process client sessions against a target: I/O, discovery, credits and isolation between clients.</summary>
public sealed class ClientSessionTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-session-{Guid.NewGuid():N}");
    private readonly List<FileBlockStore> _stores = [];
    private readonly ScsiTarget _vhost0 = new();
    private readonly ScsiTarget _vhost1 = new();

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        Add(_vhost0, 0, 8 << 20, "SN-A0");
        Add(_vhost0, 1, 4 << 20, "SN-A1");
        Add(_vhost1, 0, 2 << 20, "SN-B0");
        return Task.CompletedTask;
    }

    private void Add(ScsiTarget target, ulong lun, long size, string serial)
    {
        var store = FileBlockStore.Create(Path.Combine(_dir, serial + ".img"), size);
        _stores.Add(store);
        target.TryAdd(lun, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", serial, Guid.NewGuid()), store));
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Discover_ListsDisksInLunOrderWithIdentityAndCapacity()
    {
        await using var session = new ClientSession(_vhost0, "lpar2/vscsi0");
        var devices = await ClientDevices.DiscoverAsync(session);
        Assert.Equal(["hdisk0", "hdisk1"], devices.Select(d => d.Name));
        Assert.Equal(("SN-A0", 8ul << 20, 512), (devices[0].Serial, devices[0].CapacityBytes, devices[0].BlockSize));
        Assert.Equal(0x8200000000000000ul, devices[1].ViosLun);
        Assert.Equal("Disk", devices[1].TypeName);
        Assert.Equal(32, devices[0].NaaId.Length);
        Assert.StartsWith("6", devices[0].NaaId);
    }

    [Fact]
    public async Task TwoClients_EachSeesOnlyItsServerAdaptersDisks()
    {
        await using var a = new ClientSession(_vhost0, "lpar2/vscsi0");
        await using var b = new ClientSession(_vhost1, "lpar3/vscsi0");
        var pattern = Enumerable.Repeat((byte)0x5A, 512).ToArray();
        await ClientDevices.RetryAttentionAsync(a, 0, new byte[6], 0, default);
        Assert.True((await a.ExecuteAsync(0, CdbBuilder.Write(10, 0, 1), pattern, 0)).IsGood);
        var devicesB = await ClientDevices.DiscoverAsync(b);
        Assert.Equal(["SN-B0"], devicesB.Select(d => d.Serial));
        var read = await ClientDevices.RetryAttentionAsync(b, 0, CdbBuilder.Read(10, 0, 1), 512, default);
        Assert.All(read.Data, x => Assert.Equal(0, x));
        var back = await a.ExecuteAsync(0, CdbBuilder.Read(10, 0, 1), default, 512);
        Assert.Equal(pattern, back.Data);
    }

    [Fact]
    public async Task Response_CarriesSenseAndResidual()
    {
        await using var session = new ClientSession(_vhost0, "lpar2/vscsi0");
        var ua = await session.ExecuteAsync(0, new byte[6], default, 0);
        Assert.Equal((ScsiStatus.CheckCondition, 0x06, 0x29), (ua.Status, ua.Sense[2] & 0x0F, (int)ua.Sense[12]));
        var inquiry = await session.ExecuteAsync(0, CdbBuilder.Inquiry(36), default, 100);
        Assert.Equal((36, 64), (inquiry.Data.Length, inquiry.Residual));
    }

    [Fact]
    public void QueueDepth_OutsideOneTo256_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientSession(_vhost0, "x", 0));

    [Fact]
    public async Task ManyOutstandingCommands_EveryBlockVerified()
    {
        await using var session = new ClientSession(_vhost0, "lpar2/vscsi0", queueDepth: 32);
        await ClientDevices.RetryAttentionAsync(session, 0, new byte[6], 0, default);
        static byte[] Block(int i) => Enumerable.Range(0, 4096).Select(j => (byte)(i * 31 + j)).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 256).Select(async i =>
            Assert.True((await session.ExecuteAsync(0, CdbBuilder.Write(16, (ulong)i * 8, 8), Block(i), 0)).IsGood)));
        await Task.WhenAll(Enumerable.Range(0, 256).Select(async i =>
            Assert.Equal(Block(i), (await session.ExecuteAsync(0, CdbBuilder.Read(16, (ulong)i * 8, 8), default, 4096)).Data)));
    }
}

/// <summary>Draining a session: commands in flight finish, new ones are refused.</summary>
public sealed class ClientSessionDrainTests
{
    private sealed class SlowUnit : LogicalUnit
    {
        public readonly SemaphoreSlim Release = new(0);

        public SlowUnit() : base(DiskLogicalUnitTests.Identity())
        {
            Register(0xB0, "HOLD", VScsi.Engine.Scsi.Cdb.CdbShape.NoData(), async (_, ct) =>
            {
                await Release.WaitAsync(ct);
                return ScsiResult.Good();
            });
        }

        public override byte DeviceType => 0x03;
    }

    [Fact]
    public async Task Drain_InFlightCommandFinishes_NewCommandRefused()
    {
        var target = new ScsiTarget();
        var unit = new SlowUnit();
        target.TryAdd(0, unit);
        var session = new ClientSession(target, "lpar2/vscsi0");
        await session.ExecuteAsync(0, new byte[6], default, 0); // the power-on attention
        var held = session.ExecuteAsync(0, new byte[] { 0xB0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, default, 0).AsTask();
        var drain = session.DrainAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.ExecuteAsync(0, new byte[6], default, 0).AsTask());
        Assert.False(drain.IsCompleted);
        unit.Release.Release();
        Assert.Equal(ScsiStatus.Good, (await held).Status);
        await drain;
    }
}
