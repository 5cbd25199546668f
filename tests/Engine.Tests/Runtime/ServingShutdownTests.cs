using System.Collections.Concurrent;
using System.Net;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport;
using VScsi.Engine.Tests.Configuration;
using VScsi.Engine.Tests.Scsi;
using VScsi.Engine.Tests.Transport.Iscsi;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Runtime;

/// <summary>
/// Issue 10, "shutdown always completes": whatever a served partition went through (a hostile PDU,
/// a command stuck in a store that never answers), stopping it ends within a hang guard, releases
/// the serving lock and the control socket, and clears its portal record.
/// </summary>
public sealed class ServingShutdownTests : IAsyncLifetime
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private readonly TempSystem _temp = new();
    private readonly ServingRegistry _registry = new();
    private readonly ConcurrentQueue<string> _log = new();

    public Task InitializeAsync()
    {
        using var s = _temp.Open();
        Topologies.Vios1ServingLpar2AndLpar3(s);
        s.CreateVirtualDisk("vios1", "a0", Path.Combine(_temp.Folder, "a0.img"), 4 << 20);
        s.AddTargetDevice("vios1", "vhost0", "a0");
        _registry.IscsiLog = _log.Enqueue;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync().AsTask().WaitAsync(HangGuard);
        _temp.Dispose();
    }

    /// <summary>A store whose I/O never completes and ignores cancellation (a hung disk or NFS mount).</summary>
    private sealed class HangingStore : IBlockStore
    {
        private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int BlockSize => 512;
        public ulong BlockCount => 1024;
        public bool IsReadOnly => false;
        public bool IsThin => false;
        public void Grow(ulong blockCount) { }

        private ValueTask Hang()
        {
            Entered.TrySetResult();
            return new ValueTask(_never.Task);
        }

        public ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken) => Hang();
        public ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken) => Hang();
        public ValueTask FlushAsync(CancellationToken cancellationToken) => Hang();
        public ValueTask UnmapAsync(ulong lba, ulong blocks, CancellationToken cancellationToken) => Hang();
        public (bool Mapped, ulong Blocks) GetMapping(ulong lba) => (true, 1);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private ServedPartition Serve() => _registry.Serve(_temp.Folder, "vios1", new IPEndPoint(IPAddress.Loopback, 0));

    private static Task<RawInitiator> LoginAsync(ServedPartition served)
    {
        var entry = served.IscsiTargets.Single(t => t.Target.Luns.Count > 0);
        return RawInitiator.LoginAsync(served.Portal!.EndPoint, entry.Initiators.Keys.Single(), entry.Iqn);
    }

    private void AssertStoppedCleanly()
    {
        var lockPath = Path.Combine(_temp.Folder, "serve-1.lock");
        if (File.Exists(lockPath)) using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }   // nobody holds it
        Assert.False(File.Exists(ControlEndpoint.PathOf(_temp.Folder, 1)));
        Assert.Null(_registry.Find(_temp.Folder, 1));
        Assert.Null(_temp.Do(s => s.GetPortal(1)));
        Assert.Empty(_registry.Portals);
    }

    [Theory]
    [InlineData(0x28, false)]
    [InlineData(0x2A, true)]
    public async Task Stop_AfterACommandWithAHugeExpectedLength_CompletesAndReleasesTheLockAndSocket(byte opcode, bool write)
    {
        var served = Serve();
        await using var wire = await LoginAsync(served);
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(opcode, 0, 8), read: !write, write, 0xFFFFFFFF));
        using (await wire.StatusAsync()) { }                                // answered, not dropped

        await _registry.StopAsync(_temp.Folder, 1).WaitAsync(HangGuard);
        AssertStoppedCleanly();
        Assert.True(await wire.ClosedAsync());
    }

    [Fact]
    public async Task Stop_WithCommandsStuckInAStore_CompletesAndReleasesTheLockAndSocket()
    {
        var served = Serve();
        var hanging = new HangingStore();
        var target = served.Targets.Values.Single(t => t.Luns.Count > 0);
        var lun = target.Luns.Single();
        Assert.True(target.TryRemove(lun));
        Assert.True(target.TryAdd(lun, new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), hanging)));
        await using var wire = await LoginAsync(served);
        using (await wire.CommandAsync(new byte[6], read: false, write: false, 0)) { }   // the new unit's power-on attention
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x28, 0, 8), read: true, write: false, 4096));
        await hanging.Entered.Task.WaitAsync(HangGuard);
        var session = _registry.Connect(_temp.Folder, _temp.Do(s => s.GetAdapters("lpar2", AdapterKind.Client).Single()), 4);
        await session.ExecuteAsync(lun, new byte[6], Array.Empty<byte>(), 0);        // its power-on attention
        var inProcess = session.ExecuteAsync(lun, CdbBuilder.Read(10, 0, 1), Array.Empty<byte>(), 512).AsTask();   // never answered by the store

        await _registry.StopAsync(_temp.Folder, 1).WaitAsync(HangGuard);
        AssertStoppedCleanly();
        Assert.True(await wire.ClosedAsync());
        Assert.Contains(_log, line => line.Contains("still running", StringComparison.Ordinal));
        Assert.False(inProcess.IsCompleted && (await inProcess).Status == ScsiStatus.Good);   // aborted or left behind, never answered GOOD
    }
}
