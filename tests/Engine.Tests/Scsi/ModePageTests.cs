using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>MODE SENSE/SELECT 6 and 10: caching and control pages, block descriptors, changeable values.</summary>
public sealed class ModePageTests() : DiskTestBase(4096 * 512L)
{

    private async Task<(ScsiResult Result, byte[] Data)> Run(byte[] cdb, byte[]? dataOut = null)
    {
        var data = Enumerable.Repeat((byte)0xEE, 255).ToArray();
        return (await Disk.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), data), CancellationToken.None), data);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    public async Task ModeSense_CachingPage_HeaderDescriptorAndWce(int length)
    {
        var (result, d) = await Run(CdbBuilder.ModeSense(length, 0x08));
        var header = length == 6 ? 4 : 8;
        SenseAssert.Good(result, header + 8 + 20);
        Assert.Equal(length == 6 ? d[0] + 1 : BinaryPrimitives.ReadUInt16BigEndian(d) + 2, result.DataLength);
        Assert.Equal(8, length == 6 ? d[3] : BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(6)));
        Assert.Equal(4096u, BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(header)));
        Assert.Equal(512u, BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(header + 4)));
        Assert.Equal((0x08, 0x12, 0x04), (d[header + 8], d[header + 9], d[header + 10] & 0x04));
    }

    [Fact]
    public async Task ModeSense_AllPagesNoDescriptorsLongLba()
    {
        var (all, d) = await Run(CdbBuilder.ModeSense(10, 0x3F, dbd: true));
        SenseAssert.Good(all, 8 + 20 + 12);
        Assert.Equal((0x08, 0x0A), (d[8], d[28]));
        var (longLba, l) = await Run(CdbBuilder.ModeSense(10, 0x08, longLba: true));
        SenseAssert.Good(longLba, 8 + 16 + 20);
        Assert.Equal((1, 16), (l[4] & 1, (int)BinaryPrimitives.ReadUInt16BigEndian(l.AsSpan(6))));
    }

    [Fact]
    public async Task ModeSense_BadRequests_Refused()
    {
        SenseAssert.Check((await Run(CdbBuilder.ModeSense(6, 0x08, pageControl: 3))).Result, SenseKey.IllegalRequest, 0x39, 0x00);
        SenseAssert.Check((await Run(CdbBuilder.ModeSense(6, 0x1C))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
        SenseAssert.Check((await Run(CdbBuilder.ModeSense(10, 0x08, subpage: 1))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 3);
    }

    [Fact]
    public async Task ModeSense_SmallAllocation_Truncated()
    {
        var (result, d) = await Run(CdbBuilder.ModeSense(6, 0x08, allocation: 5));
        SenseAssert.Good(result, 5);
        Assert.Equal(0xEE, d[5]);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    public async Task ModeSelect_ClearWce_TakesEffectAndReadsBack(int length)
    {
        var header = length == 6 ? 4 : 8;
        var (_, current) = await Run(CdbBuilder.ModeSense(length, 0x08, dbd: true));
        var list = new byte[header + 20];
        current.AsSpan(header, 20).CopyTo(list.AsSpan(header));
        list[header + 2] &= 0xFB; // WCE off
        SenseAssert.Good((await Run(CdbBuilder.ModeSelect(length, list.Length), list)).Result);
        Assert.False(Disk.WriteCacheEnabled);
        var (_, after) = await Run(CdbBuilder.ModeSense(length, 0x08, dbd: true));
        Assert.Equal(0, after[header + 2] & 0x04);
        SenseAssert.Good((await Run(CdbBuilder.Write(10, 0, 1), new byte[512])).Result); // now a forced-unit-access write
    }

    [Fact]
    public async Task ModeSelect_UnchangeableFieldOrSave_Refused()
    {
        var list = new byte[4 + 20];
        list[4] = 0x08;
        list[5] = 0x12;
        list[4 + 3] = 0x01; // a non-changeable caching field
        SenseAssert.Check((await Run(CdbBuilder.ModeSelect(6, list.Length), list)).Result, SenseKey.IllegalRequest, 0x26, 0x00);
        SenseAssert.Check((await Run(CdbBuilder.ModeSelect(6, list.Length, save: true), list)).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);
        SenseAssert.Check((await Run(CdbBuilder.ModeSelect(10, 30), new byte[10])).Result, SenseKey.IllegalRequest, 0x1A, 0x00);
        Assert.True(Disk.WriteCacheEnabled);
    }
}
