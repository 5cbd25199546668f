using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>SBC commands on a file-backed disk: every CDB length, range checks, capacity, sense.</summary>
public sealed class DiskLogicalUnitTests() : DiskTestBase(BlockCount * 512L)
{
    private const int BlockCount = 2048;

    internal static LogicalUnitIdentity Identity() => new("VSCSI", "VDISK", "0001", "SN0001", Guid.Parse("11111111-2222-3333-4444-555555555555"));

    private static byte[] Pattern(int blocks, byte seed)
    {
        var data = new byte[blocks * 512];
        for (var i = 0; i < data.Length; i++) data[i] = (byte)(seed + i * 7);
        return data;
    }

    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(12)]
    [InlineData(16)]
    public async Task WriteThenRead_EveryCdbLength_RoundTrips(int length)
    {
        var data = Pattern(4, (byte)length);
        SenseAssert.Good(await Run(CdbBuilder.Write(length, 100, 4, fua: true), data));
        var back = new byte[4 * 512];
        SenseAssert.Good(await Run(CdbBuilder.Read(length, 100, 4), dataIn: back), back.Length);
        Assert.Equal(data, back);
    }

    [Theory]
    [InlineData(6, BlockCount - 3, 4)]
    [InlineData(10, BlockCount, 1)]
    [InlineData(12, BlockCount - 1, 2)]
    [InlineData(16, ulong.MaxValue, 2)]
    public async Task Read_BeyondCapacity_LbaOutOfRange(int length, ulong lba, uint blocks)
    {
        if (length == 6 && lba > 0x1FFFFF) return;
        var result = await Run(CdbBuilder.Read(length, lba, blocks), dataIn: new byte[blocks * 512]);
        SenseAssert.Check(result, SenseKey.IllegalRequest, 0x21, 0x00);
        SenseAssert.Check(await Run(CdbBuilder.Write(length, lba, blocks), new byte[blocks * 512]), SenseKey.IllegalRequest, 0x21, 0x00);
    }

    [Fact]
    public async Task Read6_TransferLengthZero_Means256Blocks()
    {
        var back = new byte[256 * 512];
        SenseAssert.Good(await Run(CdbBuilder.Read(6, 0, 0), dataIn: back), back.Length);
    }

    [Fact]
    public async Task Read10_TransferLengthZero_TransfersNothing() =>
        SenseAssert.Good(await Run(CdbBuilder.Read(10, 0, 0), dataIn: new byte[512]));

    [Fact]
    public async Task Write_DataOutShorterThanTransferLength_InvalidFieldPointsAtLength() =>
        SenseAssert.Check(await Run(CdbBuilder.Write(16, 0, 4), new byte[512]), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 10);

    [Fact]
    public async Task Write_ReadOnlyStore_DataProtect()
    {
        await using var ro = FileBlockStore.Open(ImagePath, readOnly: true);
        var disk = new DiskLogicalUnit(Identity(), ro);
        disk.Attentions.Take(ScsiCommand.DefaultNexus);
        var result = await disk.ExecuteAsync(new ScsiCommand(CdbBuilder.Write(10, 0, 1), new byte[512]), CancellationToken.None);
        SenseAssert.Check(result, SenseKey.DataProtect, 0x27, 0x00);
    }

    [Fact]
    public async Task UnknownOpcode_InvalidCommandOperationCode() =>
        SenseAssert.Check(await Run([0xC7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), SenseKey.IllegalRequest, 0x20, 0x00);

    [Fact]
    public async Task ShortCdb_InvalidCommandOperationCode() =>
        SenseAssert.Check(await Run([0x28, 0, 0]), SenseKey.IllegalRequest, 0x20, 0x00);

    [Fact]
    public async Task ReadCapacity_10And16_ReportLastLbaAndBlockSize()
    {
        var d10 = new byte[8];
        SenseAssert.Good(await Run(CdbBuilder.ReadCapacity10(), dataIn: d10), 8);
        Assert.Equal((uint)(BlockCount - 1), BinaryPrimitives.ReadUInt32BigEndian(d10));
        Assert.Equal(512u, BinaryPrimitives.ReadUInt32BigEndian(d10.AsSpan(4)));

        var d16 = new byte[32];
        SenseAssert.Good(await Run(CdbBuilder.ReadCapacity16(32), dataIn: d16), 32);
        Assert.Equal((ulong)(BlockCount - 1), BinaryPrimitives.ReadUInt64BigEndian(d16));
        Assert.Equal(512u, BinaryPrimitives.ReadUInt32BigEndian(d16.AsSpan(8)));
    }

    [Fact]
    public async Task ReadCapacity16_EveryAllocationLength_NoBytePastIt()
    {
        for (uint allocation = 0; allocation <= 40; allocation++)
        {
            var buffer = Enumerable.Repeat((byte)0xEE, 48).ToArray();
            var result = await Run(CdbBuilder.ReadCapacity16(allocation), dataIn: buffer);
            SenseAssert.Good(result, (int)Math.Min(allocation, 32));
            Assert.All(buffer.Skip((int)Math.Min(allocation, 32)), b => Assert.Equal(0xEE, b));
        }
    }

    [Fact]
    public async Task ServiceActionIn16_UnknownServiceAction_InvalidFieldAtByte1() =>
        SenseAssert.Check(await Run(CdbBuilder.ReadCapacity16(32, serviceAction: 0x13), dataIn: new byte[32]), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);

    [Theory]
    [InlineData(10)]
    [InlineData(16)]
    public async Task SynchronizeCache_InRangeGood_BeyondRangeRefused(int length)
    {
        SenseAssert.Good(await Run(CdbBuilder.SynchronizeCache(length, 0, 0)));
        SenseAssert.Check(await Run(CdbBuilder.SynchronizeCache(length, BlockCount, 1)), SenseKey.IllegalRequest, 0x21, 0x00);
    }

    [Fact]
    public async Task ConcurrentWriters_DisjointBlocks_EveryBlockReadsBack()
    {
        var writes = Enumerable.Range(0, 64).Select(async i =>
        {
            var data = Pattern(8, (byte)i);
            SenseAssert.Good(await Run(CdbBuilder.Write(10, (ulong)(i * 8), 8), data));
        });
        await Task.WhenAll(writes);
        for (var i = 0; i < 64; i++)
        {
            var back = new byte[8 * 512];
            SenseAssert.Good(await Run(CdbBuilder.Read(16, (ulong)(i * 8), 8), dataIn: back), back.Length);
            Assert.Equal(Pattern(8, (byte)i), back);
        }
    }
}
