using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>Task attributes, queue depth, task management, and live LUN changes at the target.</summary>
public sealed class TaskSetTests : IAsyncLifetime
{
    private const string A = "lpar2/vscsi0";
    private const string B = "lpar3/vscsi0";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-tasks-{Guid.NewGuid():N}.img");
    private FileBlockStore _store = null!;
    private readonly ScsiTarget _target = new();
    private GateUnit _gate = null!;

    public Task InitializeAsync()
    {
        _store = FileBlockStore.Create(_path, 1 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _store));
        _gate = new GateUnit();
        _target.TryAdd(1, _gate);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    /// <summary>A logical unit whose opcode B0h blocks until released, to hold tasks in the task set.</summary>
    private sealed class GateUnit : LogicalUnit
    {
        public readonly SemaphoreSlim Release = new(0);
        public readonly List<int> Order = [];

        public GateUnit() : base(DiskLogicalUnitTests.Identity())
        {
            Register(0xB0, "HOLD", CdbShape.NoData(), async (c, ct) =>
            {
                await Release.WaitAsync(ct);
                lock (Order) Order.Add(c.Cdb.Span[1]);
                return ScsiResult.Good();
            });
            Register(0xB1, "MARK", CdbShape.NoData(), (c, _) =>
            {
                lock (Order) Order.Add(c.Cdb.Span[1]);
                return ValueTask.FromResult(ScsiResult.Good());
            });
        }

        public override byte DeviceType => 0x03;
    }

    private static byte[] Vendor(byte opcode, byte id) => [opcode, id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private async Task Prime(string nexus, ulong lun) => await _target.ExecuteAsync(lun, new ScsiCommand(new byte[6], default, default, nexus), CancellationToken.None);

    private ValueTask<ScsiResult> Run(string nexus, ulong lun, byte[] cdb, TaskAttribute attribute = TaskAttribute.Simple, ulong tag = 0, int depth = TaskSet.DefaultQueueDepth) =>
        _target.ExecuteAsync(lun, new ScsiCommand(cdb, default, new byte[512], nexus), attribute, tag, depth, CancellationToken.None);

    [Fact]
    public async Task Ordered_WaitsForEarlierTasks_HeadOfQueueDoesNot()
    {
        await Prime(A, 1);
        var held = Run(A, 1, Vendor(0xB0, 1)).AsTask();
        var ordered = Run(A, 1, Vendor(0xB1, 2), TaskAttribute.Ordered).AsTask();
        var head = Run(A, 1, Vendor(0xB1, 3), TaskAttribute.HeadOfQueue).AsTask();
        await head;
        Assert.False(ordered.IsCompleted);
        _gate.Release.Release();
        await Task.WhenAll(held, ordered);
        Assert.Equal([3, 1, 2], _gate.Order);
    }

    [Fact]
    public async Task QueueDepth_Exceeded_TaskSetFull()
    {
        await Prime(A, 1);
        var first = Run(A, 1, Vendor(0xB0, 1), depth: 2).AsTask();
        var second = Run(A, 1, Vendor(0xB0, 2), depth: 2).AsTask();
        Assert.Equal(ScsiStatus.TaskSetFull, (await Run(A, 1, Vendor(0xB1, 3), depth: 2)).Status);
        await Prime(B, 1);
        Assert.Equal(ScsiStatus.Good, (await Run(B, 1, Vendor(0xB1, 4), depth: 2)).Status); // another nexus has its own depth
        _gate.Release.Release(2);
        await Task.WhenAll(first, second);
    }

    [Fact]
    public async Task AbortTask_ByTag_TaskAborted_OthersUntouched()
    {
        await Prime(A, 1);
        var victim = Run(A, 1, Vendor(0xB0, 1), tag: 7).AsTask();
        var other = Run(A, 1, Vendor(0xB0, 2), tag: 8).AsTask();
        Assert.True(_target.TaskSetOf(1)!.AbortTask(A, 7));
        Assert.Equal(ScsiStatus.TaskAborted, (await victim).Status);
        Assert.False(_target.TaskSetOf(1)!.AbortTask(A, 99));
        _gate.Release.Release();
        Assert.Equal(ScsiStatus.Good, (await other).Status);
    }

    [Fact]
    public async Task ClearTaskSet_AbortsEveryoneAndTellsOtherNexuses()
    {
        await Prime(A, 1);
        await Prime(B, 1);
        var a = Run(A, 1, Vendor(0xB0, 1)).AsTask();
        var b = Run(B, 1, Vendor(0xB0, 2)).AsTask();
        Assert.Equal(2, _target.TaskSetOf(1)!.ClearTaskSet(A));
        Assert.Equal(ScsiStatus.TaskAborted, (await a).Status);
        Assert.Equal(ScsiStatus.TaskAborted, (await b).Status);
        SenseAssert.Check(await Run(B, 1, new byte[6]), SenseKey.UnitAttention, 0x2F, 0x00);
        SenseAssert.Good(await Run(A, 1, new byte[6]));
    }

    [Fact]
    public async Task LogicalUnitReset_DropsReservationAndRaisesResetAttention()
    {
        await Prime(A, 0);
        SenseAssert.Good(await Run(A, 0, [0x16, 0, 0, 0, 0, 0]));
        _target.TaskSetOf(0)!.Reset();
        Assert.Null(_target[0]!.Reservations.Holder);
        SenseAssert.Check(await Run(A, 0, new byte[6]), SenseKey.UnitAttention, 0x29, 0x03);
    }

    [Fact]
    public async Task LiveAddAndRemove_ReportedLunsChangedWithoutDroppingTheNexus()
    {
        await Prime(A, 0);
        Assert.True(_target.TryRemove(1));
        SenseAssert.Check(await Run(A, 0, new byte[6]), SenseKey.UnitAttention, 0x3F, 0x0E);
        SenseAssert.Good(await Run(A, 0, new byte[6]));
        Assert.True(_target.TryAdd(2, new DiskLogicalUnit(DiskLogicalUnitTests.Identity() with { Serial = "SN9" }, _store)));
        SenseAssert.Check(await Run(A, 0, new byte[6]), SenseKey.UnitAttention, 0x3F, 0x0E);
        Assert.Equal([0ul, 2ul], _target.Luns);
    }
}
