using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>PERSISTENT RESERVE IN/OUT flows between two initiators, and their survival across a restart.</summary>
public sealed class PersistentReservationTests : IAsyncLifetime
{
    private const string A = "lpar2/vscsi0";
    private const string B = "lpar3/vscsi0";
    private const ulong KeyA = 0xAAAA;
    private const ulong KeyB = 0xBBBB;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-pr-{Guid.NewGuid():N}");
    private FileBlockStore _store = null!;
    private DiskLogicalUnit _disk = null!;

    private string StatePath => Path.Combine(_dir, "disk.pr.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = FileBlockStore.Create(Path.Combine(_dir, "disk.img"), 1 << 20);
        _disk = await Fresh();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    /// <summary>A new logical unit over the same storage and state file (a restart), with both nexuses' power-on attentions consumed.</summary>
    private async Task<DiskLogicalUnit> Fresh()
    {
        var disk = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _store, new FilePersistentReservationStore(StatePath));
        foreach (var n in new[] { A, B })
            await disk.ExecuteAsync(new ScsiCommand(new byte[6], default, default, n), CancellationToken.None);
        return disk;
    }

    private ValueTask<ScsiResult> Run(string nexus, byte[] cdb, byte[]? dataOut = null, byte[]? dataIn = null) =>
        _disk.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), dataIn ?? new byte[512], nexus), CancellationToken.None);

    private ValueTask<ScsiResult> Out(string nexus, byte action, ulong key, ulong serviceKey, PersistentReservationType? type = null)
    {
        var cdb = new byte[10];
        cdb[0] = 0x5F;
        cdb[1] = action;
        cdb[2] = (byte)(type ?? 0);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(5), 24);
        var list = new byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(list, key);
        BinaryPrimitives.WriteUInt64BigEndian(list.AsSpan(8), serviceKey);
        return Run(nexus, cdb, list);
    }

    private async Task<byte[]> In(byte action, string nexus = A)
    {
        var d = new byte[256];
        var cdb = new byte[10];
        cdb[0] = 0x5E;
        cdb[1] = action;
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), 256);
        Assert.Equal(ScsiStatus.Good, (await Run(nexus, cdb, dataIn: d)).Status);
        return d;
    }

    private static ScsiStatus Status(ScsiResult r) => r.Status;

    private async Task RegisterBoth()
    {
        SenseAssert.Good(await Out(A, 0, 0, KeyA));
        SenseAssert.Good(await Out(B, 0, 0, KeyB));
    }

    [Fact]
    public async Task Register_ReadKeys_GenerationCounts()
    {
        await RegisterBoth();
        var keys = await In(0);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(keys));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(keys.AsSpan(4)));
        Assert.Equal([KeyA, KeyB], new[] { BinaryPrimitives.ReadUInt64BigEndian(keys.AsSpan(8)), BinaryPrimitives.ReadUInt64BigEndian(keys.AsSpan(16)) }.Order());
        Assert.Equal(ScsiStatus.ReservationConflict, Status(await Out(A, 0, 0x1234, 0x5678)));   // wrong current key
        SenseAssert.Good(await Out(A, 6, 0x1234, 0xA1));                                        // REGISTER AND IGNORE EXISTING KEY
        SenseAssert.Good(await Out(A, 0, 0xA1, 0));                                             // unregister
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32BigEndian((await In(0)).AsSpan(4)));
    }

    [Fact]
    public async Task WriteExclusive_OthersReadButCannotWrite()
    {
        await RegisterBoth();
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.WriteExclusive));
        SenseAssert.Good(await Run(B, CdbBuilder.Read(10, 0, 1)), 512);
        Assert.Equal(ScsiStatus.ReservationConflict, Status(await Run(B, CdbBuilder.Write(10, 0, 1), new byte[512])));
        SenseAssert.Good(await Run(A, CdbBuilder.Write(10, 0, 1), new byte[512]));
        var reservation = await In(1);
        Assert.Equal((KeyA, 1), (BinaryPrimitives.ReadUInt64BigEndian(reservation.AsSpan(8)), reservation[21] & 0x0F));
    }

    [Fact]
    public async Task ExclusiveAccessRegistrantsOnly_RegistrantsInNonRegistrantsOut()
    {
        SenseAssert.Good(await Out(A, 0, 0, KeyA));
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.ExclusiveAccessRegistrantsOnly));
        Assert.Equal(ScsiStatus.ReservationConflict, Status(await Run(B, CdbBuilder.Read(10, 0, 1))));
        SenseAssert.Good(await Run(B, CdbBuilder.Inquiry(36)), 36);
        SenseAssert.Good(await Out(B, 0, 0, KeyB));
        SenseAssert.Good(await Run(B, CdbBuilder.Write(10, 0, 1), new byte[512]));
        Assert.Equal(ScsiStatus.ReservationConflict, Status(await Run(B, [0x16, 0, 0, 0, 0, 0])));   // SPC-2 RESERVE under a PR
    }

    [Fact]
    public async Task Release_WrongType_InvalidRelease_ThenRegistrantsToldOfRelease()
    {
        await RegisterBoth();
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.WriteExclusiveRegistrantsOnly));
        SenseAssert.Check(await Out(A, 2, KeyA, 0, PersistentReservationType.WriteExclusive), SenseKey.IllegalRequest, 0x26, 0x04);
        SenseAssert.Good(await Out(A, 2, KeyA, 0, PersistentReservationType.WriteExclusiveRegistrantsOnly));
        SenseAssert.Check(await Run(B, new byte[6]), SenseKey.UnitAttention, 0x2A, 0x04);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian((await In(1)).AsSpan(4)));
    }

    [Fact]
    public async Task Preempt_HolderLosesRegistrationAndReservation()
    {
        await RegisterBoth();
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.ExclusiveAccess));
        SenseAssert.Good(await Out(B, 4, KeyB, KeyA, PersistentReservationType.WriteExclusive));
        var reservation = await In(1, B);
        Assert.Equal((KeyB, 1), (BinaryPrimitives.ReadUInt64BigEndian(reservation.AsSpan(8)), reservation[21] & 0x0F));
        SenseAssert.Check(await Run(A, new byte[6]), SenseKey.UnitAttention, 0x2A, 0x05);
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32BigEndian((await In(0, B)).AsSpan(4)));
        SenseAssert.Check(await Out(B, 4, KeyB, 0, PersistentReservationType.WriteExclusive), SenseKey.IllegalRequest, 0x26, 0x00);
    }

    [Fact]
    public async Task Clear_RemovesEverythingAndTellsOthers()
    {
        await RegisterBoth();
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.WriteExclusive));
        SenseAssert.Good(await Out(B, 3, KeyB, 0));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian((await In(0, B)).AsSpan(4)));
        SenseAssert.Check(await Run(A, new byte[6]), SenseKey.UnitAttention, 0x2A, 0x03);
    }

    [Fact]
    public async Task ReportCapabilitiesAndFullStatus()
    {
        var caps = await In(2);
        Assert.Equal((8, 0x80), (BinaryPrimitives.ReadUInt16BigEndian(caps), caps[3] & 0x80));
        await RegisterBoth();
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.ExclusiveAccess));
        var full = await In(3);
        var first = BinaryPrimitives.ReadUInt64BigEndian(full.AsSpan(8));
        Assert.Equal((KeyA, 0x01, 3), (first, full[8 + 12] & 1, (int)full[8 + 13]));
    }

    [Fact]
    public async Task Restart_RegistrationsAndReservationSurvive()
    {
        await RegisterBoth();
        SenseAssert.Good(await Out(A, 1, KeyA, 0, PersistentReservationType.WriteExclusive));
        _disk = await Fresh();
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian((await In(0)).AsSpan(4)));
        Assert.Equal(ScsiStatus.ReservationConflict, Status(await Run(B, CdbBuilder.Write(10, 0, 1), new byte[512])));
    }

    [Fact]
    public async Task BadRequests_Refused()
    {
        SenseAssert.Check(await Out(A, 7, 0, KeyA), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);
        SenseAssert.Good(await Out(A, 0, 0, KeyA));
        SenseAssert.Check(await Out(A, 1, KeyA, 0, (PersistentReservationType)2), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
        Assert.Equal(ScsiStatus.ReservationConflict, Status(await Out(B, 1, KeyB, 0, PersistentReservationType.WriteExclusive)));
    }
}
