using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>UNMAP, WRITE SAME and GET LBA STATUS on a sparse image: thin disks stay thin.</summary>
public sealed class ProvisioningTests() : DiskTestBase(BlockCount * 512L)
{
    private const int BlockCount = 8192; // 4 MiB

    private async Task<List<(ulong Lba, uint Blocks, byte Status)>> LbaStatus(ulong lba)
    {
        var d = new byte[8 + 16 * 8];
        var result = await Run(CdbBuilder.GetLbaStatus(lba, (uint)d.Length), dataIn: d);
        Assert.Equal(ScsiStatus.Good, result.Status);
        var count = (int)(BinaryPrimitives.ReadUInt32BigEndian(d) - 4) / 16;
        return Enumerable.Range(0, count).Select(i => 8 + 16 * i)
            .Select(o => (BinaryPrimitives.ReadUInt64BigEndian(d.AsSpan(o)), BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(o + 8)), d[o + 12])).ToList();
    }

    private async Task<byte[]> Read(ulong lba, uint blocks)
    {
        var back = new byte[blocks * 512];
        SenseAssert.Good(await Run(CdbBuilder.Read(16, lba, blocks), dataIn: back), back.Length);
        return back;
    }

    [Fact]
    public async Task Unmap_WrittenRange_BecomesHoleReadingZeros()
    {
        SenseAssert.Good(await Run(CdbBuilder.Write(10, 0, 256), Enumerable.Repeat((byte)0xAB, 256 * 512).ToArray()));
        Assert.Equal((0ul, 256u, (byte)0), (await LbaStatus(0))[0]);

        var list = CdbBuilder.UnmapList((8, 120));
        SenseAssert.Good(await Run(CdbBuilder.Unmap((ushort)list.Length), list));
        var status = await LbaStatus(0);
        Assert.Equal([(0ul, 8u, (byte)0), (8ul, 120u, (byte)1), (128ul, 128u, (byte)0)], status.Take(3));
        Assert.All(await Read(8, 120), b => Assert.Equal(0, b));
        Assert.All(await Read(0, 8), b => Assert.Equal(0xAB, b));
    }

    [Fact]
    public async Task WriteSame_Pattern_FillsEveryBlock()
    {
        var block = Enumerable.Range(0, 512).Select(i => (byte)i).ToArray();
        SenseAssert.Good(await Run(CdbBuilder.WriteSame(16, 100, 3000), block));
        var back = await Read(100, 3000);
        for (var i = 0; i < 3000; i++) Assert.True(back.AsSpan(i * 512, 512).SequenceEqual(block), $"block {i}");
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(16, false)]
    [InlineData(16, true)]
    public async Task WriteSame_UnmapWithZeros_Deallocates(int length, bool noDataOut)
    {
        SenseAssert.Good(await Run(CdbBuilder.Write(10, 0, 64), Enumerable.Repeat((byte)1, 64 * 512).ToArray()));
        SenseAssert.Good(await Run(CdbBuilder.WriteSame(length, 0, 64, unmap: true, noDataOut), noDataOut ? null : new byte[512]));
        Assert.Equal((0ul, (byte)1), ((await LbaStatus(0))[0].Lba, (await LbaStatus(0))[0].Status));
    }

    [Fact]
    public async Task WriteSame_ZeroBlocksOrDataOutWrong_Refused()
    {
        SenseAssert.Check(await Run(CdbBuilder.WriteSame(10, 0, 0), new byte[512]), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 7);
        SenseAssert.Check(await Run(CdbBuilder.WriteSame(16, 0, 8), new byte[100]), SenseKey.IllegalRequest, 0x1A, 0x00);
        SenseAssert.Check(await Run(CdbBuilder.WriteSame(16, BlockCount - 1, 2), new byte[512]), SenseKey.IllegalRequest, 0x21, 0x00);
    }

    [Fact]
    public async Task Unmap_BadParameterLists_Refused()
    {
        SenseAssert.Check(await Run(CdbBuilder.Unmap(4), new byte[4]), SenseKey.IllegalRequest, 0x1A, 0x00);
        var outOfRange = CdbBuilder.UnmapList((BlockCount - 1, 2));
        SenseAssert.Check(await Run(CdbBuilder.Unmap((ushort)outOfRange.Length), outOfRange), SenseKey.IllegalRequest, 0x21, 0x00);
        var tooLong = CdbBuilder.UnmapList((0, Provisioning.MaxUnmapBlocks + 1));
        SenseAssert.Check(await Run(CdbBuilder.Unmap((ushort)tooLong.Length), tooLong), SenseKey.IllegalRequest, 0x26, 0x00);
        SenseAssert.Check(await Run(CdbBuilder.Unmap(24, anchor: true), CdbBuilder.UnmapList((0, 1))), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);
        SenseAssert.Good(await Run(CdbBuilder.Unmap(0)));
    }

    [Fact]
    public async Task GetLbaStatus_BeyondEnd_LbaOutOfRange() =>
        SenseAssert.Check(await Run(CdbBuilder.GetLbaStatus(BlockCount, 64), dataIn: new byte[64]), SenseKey.IllegalRequest, 0x21, 0x00);

    [Fact]
    public async Task ReadCapacity16AndVpd_AdvertiseThinProvisioning()
    {
        var d16 = new byte[32];
        await Run(CdbBuilder.ReadCapacity16(32), dataIn: d16);
        Assert.Equal(0xC0, d16[14]);
        var b2 = new byte[8];
        SenseAssert.Good(await Run(CdbBuilder.Inquiry(8, true, 0xB2), dataIn: b2), 8);
        Assert.Equal((0xE4, 0x02), (b2[5], b2[6] & 0x07));
        var b0 = new byte[64];
        SenseAssert.Good(await Run(CdbBuilder.Inquiry(64, true, 0xB0), dataIn: b0), 64);
        Assert.Equal(Provisioning.MaxUnmapBlocks, BinaryPrimitives.ReadUInt32BigEndian(b0.AsSpan(20)));
    }
}
