using System.Buffers.Binary;
using System.Net;
using VScsi.Engine.Runtime;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport;
using VScsi.Engine.Transport.InProcess;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi;

/// <summary>Our initiator against our target on loopback: I/O through every data path, CHAP, refusals, the window, reconnects and timeouts.</summary>
public sealed class IscsiClientTests : IAsyncLifetime
{
    private const string TargetName = "iqn.2026-11.org.vscsi:test.vios1.vhost0";
    private const string Initiator = "iqn.2026-11.org.vscsi:test.lpar2.vscsi0";
    private const ulong StuckLba = 999;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-initiator-{Guid.NewGuid():N}");
    private readonly ScsiTarget _target = new();
    private FileBlockStore _store = null!;
    private IscsiPortal _portal = null!;
    private IscsiTargetEntry _entry = null!;

    /// <summary>A store whose block <see cref="StuckLba"/> never finishes reading (until the command is aborted).</summary>
    private sealed class StuckStore(FileBlockStore inner) : IBlockStore
    {
        public int BlockSize => inner.BlockSize;
        public ulong BlockCount => inner.BlockCount;
        public bool IsReadOnly => false;
        public bool IsThin => inner.IsThin;
        public void Grow(ulong blockCount) => inner.Grow(blockCount);

        public async ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (lba == StuckLba) await Task.Delay(Timeout.Infinite, cancellationToken);
            await inner.ReadAsync(lba, destination, cancellationToken);
        }

        public ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken) =>
            inner.WriteAsync(lba, source, forceUnitAccess, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public ValueTask UnmapAsync(ulong lba, ulong blocks, CancellationToken cancellationToken) => inner.UnmapAsync(lba, blocks, cancellationToken);
        public (bool Mapped, ulong Blocks) GetMapping(ulong lba) => inner.GetMapping(lba);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = FileBlockStore.Create(Path.Combine(_dir, "disk.img"), 16 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "SN-CLIENT", Guid.NewGuid()), new StuckStore(_store)));
        _portal = IscsiPortal.Start(new IPEndPoint(IPAddress.Loopback, 0));
        _entry = new IscsiTargetEntry(TargetName, _target) { Initiators = new Dictionary<string, int> { [Initiator] = 2 } };
        _portal.Add(_entry);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private IscsiClientOptions Options(string initiator = Initiator, string target = TargetName) =>
        new("127.0.0.1", _portal.EndPoint.Port, target, initiator) { QueueDepth = 32, CommandTimeout = TimeSpan.FromSeconds(10) };

    private static byte[] Rw(byte opcode, ulong lba, uint blocks)
    {
        var cdb = new byte[16];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
        return cdb;
    }

    private static async Task TakeAttentionAsync(IClientSession session) =>
        await ClientDevices.RetryAttentionAsync(session, 0, new byte[6], 0, default);

    [Theory]
    [InlineData(false, 2048)]
    [InlineData(true, 2048)]
    [InlineData(false, 3)]
    [InlineData(true, 777)]
    public async Task WriteThenRead_RoundTripsThroughImmediateUnsolicitedAndR2TData(bool digests, int blocks)
    {
        await using var client = await IscsiClient.ConnectAsync(Options() with { Digests = digests });
        Assert.Equal(digests, client.Parameters!.HeaderDigest);
        await TakeAttentionAsync(client);
        var data = new byte[blocks * 512];
        Random.Shared.NextBytes(data);
        var write = await client.ExecuteAsync(0, Rw(0x8A, 100, (uint)blocks), data, 0);
        Assert.True(write.IsGood);
        var read = await client.ExecuteAsync(0, Rw(0x88, 100, (uint)blocks), default, data.Length);
        Assert.True(read.IsGood);
        Assert.Equal(data, read.Data);
    }

    [Fact]
    public async Task Discovery_OverIscsi_FindsTheDiskWithItsIdentity()
    {
        await using var client = await IscsiClient.ConnectAsync(Options());
        var device = Assert.Single(await ClientDevices.DiscoverAsync(client));
        Assert.Equal(("hdisk0", "SN-CLIENT", 16ul << 20), (device.Name, device.Serial, device.CapacityBytes));
        Assert.StartsWith("iscsi://127.0.0.1:", client.Transport);
        Assert.Equal([(TargetName, $"127.0.0.1:{_portal.EndPoint.Port},1")], await IscsiClient.DiscoverAsync("127.0.0.1", _portal.EndPoint.Port, Initiator));
        Assert.Empty(await IscsiClient.DiscoverAsync("127.0.0.1", _portal.EndPoint.Port, "iqn.2026-11.org.vscsi:test.stranger"));
    }

    [Fact]
    public async Task ManyCommandsAtOnce_StayInsideAWindowOfTwoAndAllVerify()
    {
        await using var client = await IscsiClient.ConnectAsync(Options());
        await TakeAttentionAsync(client);
        var session = Assert.Single(_portal.Sessions);
        Assert.Equal(2, session.QueueDepth);
        var writes = Enumerable.Range(0, 64).Select(async i =>
        {
            var block = Enumerable.Repeat((byte)i, 4096).ToArray();
            var r = await client.ExecuteAsync(0, Rw(0x8A, (ulong)i * 8, 8), block, 0);
            Assert.True(r.IsGood, $"write {i}: {r.Status}");
        });
        await Task.WhenAll(writes);
        var reads = Enumerable.Range(0, 64).Select(async i =>
        {
            var r = await client.ExecuteAsync(0, Rw(0x88, (ulong)i * 8, 8), default, 4096);
            Assert.True(r.IsGood);
            Assert.All(r.Data, b => Assert.Equal((byte)i, b));
        });
        await Task.WhenAll(reads);
        Assert.True(session.Commands >= 128);
    }

    [Fact]
    public async Task Chap_OneWayAndMutual_AndWrongSecretRefused()
    {
        _portal.Add(new IscsiTargetEntry(TargetName, _target)
        {
            AnyInitiator = true,
            Chap = new ChapSecret("lpar2", "lpar2-secret-1"),
            MutualChap = new ChapSecret("vios1", "vios1-secret-1"),
        });
        await using (var ok = await IscsiClient.ConnectAsync(Options() with { Chap = new ChapSecret("lpar2", "lpar2-secret-1"), MutualChap = new ChapSecret("vios1", "vios1-secret-1") }))
            await TakeAttentionAsync(ok);
        var wrong = await Assert.ThrowsAsync<IscsiLoginException>(() => IscsiClient.ConnectAsync(Options() with { Chap = new ChapSecret("lpar2", "not-the-secret"), MutualChap = new ChapSecret("vios1", "vios1-secret-1") }));
        Assert.Equal(LoginStatus.AuthenticationFailure, wrong.Status);
        var impostor = await Assert.ThrowsAsync<IscsiLoginException>(() => IscsiClient.ConnectAsync(Options() with { Chap = new ChapSecret("lpar2", "lpar2-secret-1"), MutualChap = new ChapSecret("vios1", "what-the-target-does-not-know") }));
        Assert.Contains("mutual CHAP", impostor.Message);
        var none = await Assert.ThrowsAsync<IscsiLoginException>(() => IscsiClient.ConnectAsync(Options()));
        Assert.Equal(LoginStatus.AuthenticationFailure, none.Status);
    }

    [Theory]
    [InlineData("iqn.2026-11.org.vscsi:test.lpar9.vscsi0", TargetName, LoginStatus.AuthorizationFailure)]
    [InlineData(Initiator, "iqn.2026-11.org.vscsi:test.vios1.vhost7", LoginStatus.NotFound)]
    public async Task Refusals_CarryTheLoginStatus(string initiator, string target, ushort status)
    {
        var e = await Assert.ThrowsAsync<IscsiLoginException>(() => IscsiClient.ConnectAsync(Options(initiator, target)));
        Assert.Equal(status, e.Status);
    }

    [Fact]
    public async Task DroppedConnection_LogsInAgainAndCarriesOn()
    {
        await using var client = await IscsiClient.ConnectAsync(Options());
        await TakeAttentionAsync(client);
        _portal.CloseSessionsOf(TargetName);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ScsiResponse? read = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                read = await ClientDevices.RetryAttentionAsync(client, 0, Rw(0x88, 0, 1), 512, default);
                break;
            }
            catch (IOException)
            {
                // the command that met the drop fails; the session comes back
            }
        }
        Assert.NotNull(read);
        Assert.True(read.IsGood);
        Assert.True(client.Reconnects >= 1);
    }

    [Fact]
    public async Task TargetGone_ReconnectGivesUpAfterBoundedAttempts()
    {
        await using var client = await IscsiClient.ConnectAsync(Options() with { ReconnectAttempts = 3 });
        _portal.Remove(TargetName);
        var started = DateTime.UtcNow;
        var failure = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await client.ExecuteAsync(0, new byte[6], default, 0);
                await Task.Delay(50);
            }
        });
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "gave up within the backoff bound");
        Assert.NotNull(failure);
    }

    [Fact]
    public async Task CommandWithoutAnswer_TimesOut()
    {
        await using var client = await IscsiClient.ConnectAsync(Options() with { CommandTimeout = TimeSpan.FromMilliseconds(500) });
        await TakeAttentionAsync(client);
        await Assert.ThrowsAsync<TimeoutException>(async () => await client.ExecuteAsync(0, Rw(0x88, StuckLba, 1), default, 512));
    }

    [Fact]
    public async Task CancelledCommand_IsAbortedOnTheTarget()
    {
        await using var client = await IscsiClient.ConnectAsync(Options());
        await TakeAttentionAsync(client);
        using var cts = new CancellationTokenSource(300);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ExecuteAsync(0, Rw(0x88, StuckLba, 1), default, 512, cancellationToken: cts.Token));
        var after = await client.ExecuteAsync(0, Rw(0x88, 0, 1), default, 512);
        Assert.True(after.IsGood);
        Assert.Equal(0, _target.TaskSetOf(0)!.AbortTaskSet("nobody"));
    }
}
