using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>VERIFY, WRITE AND VERIFY, COMPARE AND WRITE (atomic), PRE-FETCH and START STOP UNIT.</summary>
public sealed class VerifyTests() : DiskTestBase(BlockCount * 512L)
{
    private const int BlockCount = 1024;

    private static byte[] Cdb16(byte opcode, ulong lba, uint blocks, byte flags = 0)
    {
        var cdb = new byte[16];
        cdb[0] = opcode;
        cdb[1] = flags;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
        return cdb;
    }

    private static byte[] Caw(ulong lba, byte blocks)
    {
        var cdb = new byte[16];
        cdb[0] = 0x89;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        cdb[13] = blocks;
        return cdb;
    }

    private static byte[] Filled(int blocks, byte value) => Enumerable.Repeat(value, blocks * 512).ToArray();

    private static ulong Information(ScsiResult r)
    {
        var sense = new byte[18];
        SenseWriter.WriteFixed(r, sense);
        Assert.Equal(0x80, sense[0] & 0x80);
        return BinaryPrimitives.ReadUInt32BigEndian(sense.AsSpan(3));
    }

    [Fact]
    public async Task Verify16_CompareModes_MatchAndMiscompareOffset()
    {
        SenseAssert.Good(await Run(CdbBuilder.Write(10, 10, 2), Filled(2, 7)));
        SenseAssert.Good(await Run(Cdb16(0x8F, 10, 2)));                          // BYTCHK 00b: medium only
        SenseAssert.Good(await Run(Cdb16(0x8F, 10, 2, 0x02), Filled(2, 7)));      // 01b: compare all
        SenseAssert.Good(await Run(Cdb16(0x8F, 10, 2, 0x06), Filled(1, 7)));      // 11b: one block against each
        var differ = Filled(2, 7);
        differ[700] = 8;
        var miscompare = await Run(Cdb16(0x8F, 10, 2, 0x02), differ);
        SenseAssert.Check(miscompare, SenseKey.Miscompare, 0x1D, 0x00);
        Assert.Equal(700ul, Information(miscompare));
        SenseAssert.Check(await Run(Cdb16(0x8F, BlockCount, 1)), SenseKey.IllegalRequest, 0x21, 0x00);
    }

    [Fact]
    public async Task WriteAndVerify16_WritesAndReadsBack()
    {
        SenseAssert.Good(await Run(Cdb16(0x8E, 3, 1), Filled(1, 9)));
        var back = new byte[512];
        SenseAssert.Good(await Run(CdbBuilder.Read(10, 3, 1), dataIn: back), 512);
        Assert.All(back, b => Assert.Equal(9, b));
    }

    [Fact]
    public async Task CompareAndWrite_MatchWrites_MiscompareLeavesMediumAlone()
    {
        SenseAssert.Good(await Run(Caw(5, 1), [.. Filled(1, 0), .. Filled(1, 1)]));
        var miss = await Run(Caw(5, 1), [.. Filled(1, 0), .. Filled(1, 2)]);
        SenseAssert.Check(miss, SenseKey.Miscompare, 0x1D, 0x00);
        Assert.Equal(0ul, Information(miss));
        var back = new byte[512];
        await Run(CdbBuilder.Read(10, 5, 1), dataIn: back);
        Assert.All(back, b => Assert.Equal(1, b));
        SenseAssert.Check(await Run(Caw(5, 17), new byte[17 * 1024]), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 13);
    }

    [Fact]
    public async Task CompareAndWrite_ConcurrentIncrements_NoneLost()
    {
        const int workers = 8, increments = 25;
        async Task Worker()
        {
            for (var done = 0; done < increments;)
            {
                var current = new byte[512];
                SenseAssert.Good(await Run(CdbBuilder.Read(10, 0, 1), dataIn: current), 512);
                var next = (byte[])current.Clone();
                BinaryPrimitives.WriteInt32LittleEndian(next, BinaryPrimitives.ReadInt32LittleEndian(current) + 1);
                var r = await Run(Caw(0, 1), [.. current, .. next]);
                if (r.IsGood) done++;
                else Assert.Equal(SenseReason.MiscompareDuringVerify, r.Reason);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker)));
        var final = new byte[512];
        await Run(CdbBuilder.Read(10, 0, 1), dataIn: final);
        Assert.Equal(workers * increments, BinaryPrimitives.ReadInt32LittleEndian(final));
    }

    [Fact]
    public async Task StartStopUnit_StoppedDiskNotReadyUntilStarted()
    {
        SenseAssert.Good(await Run([0x1B, 0, 0, 0, 0x00, 0]));
        SenseAssert.Check(await Run(CdbBuilder.Read(10, 0, 1), dataIn: new byte[512]), SenseKey.NotReady, 0x04, 0x02);
        SenseAssert.Good(await Run(CdbBuilder.Inquiry(36), dataIn: new byte[36]), 36);
        SenseAssert.Good(await Run([0x1B, 0, 0, 0, 0x01, 0]));
        SenseAssert.Good(await Run(CdbBuilder.Read(10, 0, 1), dataIn: new byte[512]), 512);
    }

    [Fact]
    public async Task PreFetch_InRangeGood_BeyondRefused()
    {
        SenseAssert.Good(await Run(Cdb16(0x90, 0, 8)));
        SenseAssert.Check(await Run(Cdb16(0x90, BlockCount - 1, 2)), SenseKey.IllegalRequest, 0x21, 0x00);
    }
}
