using System.Net;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi;

/// <summary>
/// Issue 10, "memory is not bounded": a portal's data buffers come from its own counted pool, every
/// one goes back when commands end or connections close (also writes still waiting for data), the
/// idle arrays are dropped when the last connection closes, and commands beyond the session's or
/// the portal's budget get TASK SET FULL or BUSY instead of memory.
/// </summary>
public sealed class BufferBudgetTests : IAsyncLifetime
{
    private const string TargetName = "iqn.2026-11.org.vscsi:test.vios1.vhost0";
    private const string Initiator = "iqn.2026-11.org.vscsi:test.lpar2.vscsi0";
    private const int QueueDepth = 4;
    private const int SmallMaximum = 64 << 10;   // LUN 1's maximum transfer: 128 blocks
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-budget-{Guid.NewGuid():N}");
    private readonly ScsiTarget _target = new();
    private FileBlockStore _store = null!;
    private IscsiPortal _portal = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = FileBlockStore.Create(Path.Combine(_dir, "disk.img"), 8 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "SN-BUDGET0", Guid.NewGuid()), _store));
        _target.TryAdd(1, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "SN-BUDGET1", Guid.NewGuid()), _store) { MaxTransferLength = SmallMaximum });
        _portal = IscsiPortal.Start(new IPEndPoint(IPAddress.Loopback, 0));
        _portal.Add(new IscsiTargetEntry(TargetName, _target) { Initiators = new Dictionary<string, int> { [Initiator] = QueueDepth } });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync().AsTask().WaitAsync(HangGuard);
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private Task<RawInitiator> LoginAsync(params (string, string)[] extra) => RawInitiator.LoginAsync(_portal.EndPoint, Initiator, TargetName, extra);

    private async Task UntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        while (!condition()) await Task.Delay(10, guard.Token);
    }

    private static Pdu Immediate(RawInitiator wire, Pdu command)
    {
        command.Immediate = true;
        wire.CmdSn--;                                                       // immediate commands do not take a CmdSN
        return command;
    }

    [Fact]
    public async Task Buffers_AfterReadsWritesRefusalsAndClose_AllReturnedAndTheIdleOnesDropped()
    {
        await using (var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "Yes")))
        {
            await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x2A, 0, 8), read: false, write: true, 4096), new byte[4096]);
            using (await wire.StatusAsync()) { }
            await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x28, 0, 8), read: true, write: false, 0xFFFFFFFF));
            using (await wire.StatusAsync()) { }
            await wire.SendAsync(wire.Command(RawInitiator.Cdb16(0x88, 0, 0xFFFFFFFF), read: true, write: false, 0xFFFFFFFF));
            using (await wire.StatusAsync()) { }
            await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x2A, 64, 128), read: false, write: true, 65536));   // left waiting for its R2T'd data
            using var r2t = await wire.StatusAsync();
            Assert.Equal(Opcode.ReadyToTransfer, r2t.Opcode);
            Assert.True(_portal.Buffers.Rented > 0);
            Assert.True(_portal.BufferedBytes > 0);
        }
        await UntilAsync(() => _portal.Sessions.Count == 0 && _portal.Buffers.Rented == 0);
        Assert.Equal(0, _portal.Buffers.RentedBytes);
        Assert.Equal(0, _portal.BufferedBytes);
        await UntilAsync(() => _portal.Buffers.RetainedBytes == 0);         // trimmed once no connection is left
    }

    [Fact]
    public async Task SessionBudget_QueueDepthOfMaximumTransfersHeld_NextCommandTaskSetFull()
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        for (var i = 0; i < QueueDepth; i++)
        {
            var write = Immediate(wire, wire.Command(RawInitiator.Cdb10(0x2A, (uint)(i * 128), 128), read: false, write: true, SmallMaximum));
            write.Lun = 1UL << 48;
            await wire.SendAsync(write);
            using var r2t = await wire.StatusAsync();
            Assert.Equal(Opcode.ReadyToTransfer, r2t.Opcode);               // each holds a whole maximum transfer
        }
        var over = Immediate(wire, wire.Command(RawInitiator.Cdb10(0x28, 0, 128), read: true, write: false, SmallMaximum));
        over.Lun = 1UL << 48;
        await wire.SendAsync(over);
        using var response = await wire.StatusAsync();
        Assert.Equal((Opcode.ScsiResponse, (byte)ScsiStatus.TaskSetFull), (response.Opcode, response.Header[3]));
        Assert.Equal((long)QueueDepth * SmallMaximum, _portal.BufferedBytes);
    }

    [Fact]
    public async Task PortalBudget_Exhausted_NextCommandBusyAndLaterOnesRunAgain()
    {
        _portal.MaxBufferedBytes = 4096;
        await using var wire = await LoginAsync();
        using (var busy = await wire.CommandAsync(RawInitiator.Cdb10(0x28, 0, 16), read: true, write: false, 8192))
            Assert.Equal((Opcode.ScsiResponse, (byte)ScsiStatus.Busy), (busy.Opcode, busy.Header[3]));
        var data = new List<byte>();
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x28, 0, 8), read: true, write: false, 4096));
        using var good = await wire.StatusAsync(data);
        Assert.Equal(0, good.Header[3]);
        Assert.Equal(4096, data.Count);
    }
}
