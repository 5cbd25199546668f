using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>Per-nexus state with two initiators: unit attentions and SPC-2 reservations.</summary>
public sealed class NexusTests : IAsyncLifetime
{
    private const string A = "lpar2/vscsi0";
    private const string B = "lpar3/vscsi0";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-nexus-{Guid.NewGuid():N}.img");
    private FileBlockStore _store = null!;
    private DiskLogicalUnit _disk = null!;

    public Task InitializeAsync()
    {
        _store = FileBlockStore.Create(_path, 1 << 20);
        _disk = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _store);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    private ValueTask<ScsiResult> Run(string nexus, byte[] cdb, byte[]? dataOut = null, byte[]? dataIn = null) =>
        _disk.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), dataIn ?? new byte[255], nexus), CancellationToken.None);

    private static readonly byte[] Tur = new byte[6];
    private static readonly byte[] Reserve6 = [0x16, 0, 0, 0, 0, 0];
    private static readonly byte[] Release6 = [0x17, 0, 0, 0, 0, 0];

    [Fact]
    public async Task NewNexus_FirstCommandGetsPowerOnOnce_InquiryExempt()
    {
        SenseAssert.Good(await Run(A, CdbBuilder.Inquiry(36)), 36);
        SenseAssert.Check(await Run(A, Tur), SenseKey.UnitAttention, 0x29, 0x00);
        SenseAssert.Good(await Run(A, Tur));
        SenseAssert.Check(await Run(B, Tur), SenseKey.UnitAttention, 0x29, 0x00);
    }

    [Fact]
    public async Task RequestSense_ReportsAndClearsThePendingAttention()
    {
        var d = new byte[18];
        SenseAssert.Good(await Run(A, CdbBuilder.RequestSense(18), dataIn: d), 18);
        Assert.Equal((0x06, 0x29), (d[2] & 0x0F, (int)d[12]));
        SenseAssert.Good(await Run(A, Tur));
    }

    [Fact]
    public async Task ModeSelect_ByOneNexus_RaisesModeParametersChangedForTheOther()
    {
        await Run(A, Tur);
        await Run(B, Tur);
        var list = new byte[4 + 20];
        list[4] = 0x08;
        list[5] = 0x12; // caching page with WCE cleared
        SenseAssert.Good(await Run(A, CdbBuilder.ModeSelect(6, list.Length), list));
        SenseAssert.Good(await Run(A, Tur));
        SenseAssert.Check(await Run(B, Tur), SenseKey.UnitAttention, 0x2A, 0x01);
        SenseAssert.Good(await Run(B, Tur));
    }

    [Fact]
    public async Task Reserve6_OtherNexusConflictsUntilRelease()
    {
        await Run(A, Tur);
        await Run(B, Tur);
        SenseAssert.Good(await Run(A, Reserve6));
        SenseAssert.Good(await Run(A, CdbBuilder.Read(10, 0, 1), dataIn: new byte[512]), 512);
        Assert.Equal(ScsiStatus.ReservationConflict, (await Run(B, CdbBuilder.Read(10, 0, 1), dataIn: new byte[512])).Status);
        Assert.Equal(ScsiStatus.ReservationConflict, (await Run(B, CdbBuilder.ModeSense(6, 0x08))).Status);
        Assert.Equal(ScsiStatus.ReservationConflict, (await Run(B, Reserve6)).Status);
        SenseAssert.Good(await Run(B, CdbBuilder.Inquiry(36)), 36);
        SenseAssert.Good(await Run(B, Release6));                  // not the holder: succeeds without effect
        Assert.Equal(A, _disk.Reservations.Holder);
        SenseAssert.Good(await Run(A, Release6));
        SenseAssert.Good(await Run(B, CdbBuilder.Read(10, 0, 1), dataIn: new byte[512]), 512);
    }

    [Fact]
    public async Task Reserve10_ThirdPartyOrLongId_InvalidField()
    {
        await Run(A, Tur);
        SenseAssert.Check(await Run(A, [0x56, 0x10, 0, 0, 0, 0, 0, 0, 0, 0]), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);
        SenseAssert.Check(await Run(A, [0x56, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);
        SenseAssert.Good(await Run(A, [0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    }
}

/// <summary>Growing a disk live.</summary>
public sealed class GrowTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-grow-{Guid.NewGuid():N}.img");
    private FileBlockStore _store = null!;

    public Task InitializeAsync()
    {
        _store = FileBlockStore.Create(_path, 1024 * 512);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    [Fact]
    public async Task Grow_RaisesCapacityChangedAndNewBlocksAreUsable()
    {
        var disk = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _store);
        ValueTask<ScsiResult> Run(byte[] cdb, byte[]? dataOut = null, byte[]? dataIn = null) =>
            disk.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), dataIn ?? new byte[512], "lpar2/vscsi0"), CancellationToken.None);
        await Run(new byte[6]);
        disk.Grow(2048);
        SenseAssert.Check(await Run(CdbBuilder.Read(10, 1500, 1)), SenseKey.UnitAttention, 0x2A, 0x09);
        SenseAssert.Good(await Run(CdbBuilder.Write(10, 1500, 1), new byte[512]));
        var cap = new byte[8];
        SenseAssert.Good(await Run(CdbBuilder.ReadCapacity10(), dataIn: cap), 8);
        Assert.Equal(2047u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(cap));
        Assert.Throws<ArgumentOutOfRangeException>(() => disk.Grow(100));
    }
}
