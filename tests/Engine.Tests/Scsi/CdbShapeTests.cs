using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>
/// The parse step: each opcode's table entry decides direction, transfer length in bytes, LBA
/// range and traits; <see cref="TransferPlan"/> settles it against a transport's expected length.
/// </summary>
public sealed class CdbShapeTests() : DiskTestBase(1 << 20)
{
    public static TheoryData<byte[], DataDirection, long, ulong, ulong> Transfers() => new()
    {
        { CdbBuilder.Read(6, 5, 0), DataDirection.In, 256 * 512, 5, 256 },                 // 0 blocks means 256 (SBC-4 5.16)
        { CdbBuilder.Read(10, 7, 8), DataDirection.In, 8 * 512, 7, 8 },
        { CdbBuilder.Write(12, 9, 3), DataDirection.Out, 3 * 512, 9, 3 },
        { CdbBuilder.Write(16, ulong.MaxValue, uint.MaxValue), DataDirection.Out, (long)uint.MaxValue * 512, ulong.MaxValue, uint.MaxValue },   // no overflow
        { CdbBuilder.Read(10, 0, 0), DataDirection.In, 0, 0, 0 },
        { CdbBuilder.SynchronizeCache(10, 4, 2), DataDirection.None, 0, 4, 2 },
        { CdbBuilder.WriteSame(16, 1, 100), DataDirection.Out, 512, 1, 100 },
        { CdbBuilder.WriteSame(16, 1, 100, noDataOut: true), DataDirection.Out, 0, 1, 100 },
        { CdbBuilder.Inquiry(300), DataDirection.In, 300, 0, 0 },
        { CdbBuilder.Unmap(24), DataDirection.Out, 24, 0, 0 },
        { [0xC7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], DataDirection.None, 0, 0, 0 },             // not in the table
    };

    [Theory]
    [MemberData(nameof(Transfers))]
    public void Parse_EachShape_DecidesDirectionLengthAndRange(byte[] cdb, DataDirection direction, long length, ulong lba, ulong blocks)
    {
        var parsed = Disk.Parse(cdb);
        Assert.Equal((direction, length), (parsed.Direction, parsed.TransferLength));
        if (parsed.HasRange) Assert.Equal((lba, blocks), (parsed.Lba, parsed.Blocks));
    }

    [Fact]
    public void Parse_Traits_ComeFromTheTable()
    {
        Assert.True(Disk.Parse(CdbBuilder.Write(10, 0, 1)).Traits.HasFlag(CommandTraits.Writes));
        Assert.False(Disk.Parse(CdbBuilder.Read(10, 0, 1)).Traits.HasFlag(CommandTraits.Writes));
        Assert.True(Disk.Parse(CdbBuilder.Inquiry(36)).Traits.HasFlag(CommandTraits.BypassesAttention | CommandTraits.PassesReservation));
        Assert.True(Disk.Parse(CdbBuilder.ReadCapacity10()).Traits.HasFlag(CommandTraits.PassesPersistentReservation));
    }

    [Fact]
    public void Decide_ReadWithAHugeExpectedLength_BufferIsTheCdbLength()
    {
        var cdb = CdbBuilder.Read(10, 0, 8);
        var plan = TransferPlan.Decide(Disk.Parse(cdb), DataDirection.In, uint.MaxValue, Disk.MaxTransferLength, cdb);
        Assert.Equal(new TransferPlan(4096, 0, 0, 0, null), plan);
    }

    [Fact]
    public void Decide_WriteWithAHugeExpectedLength_TakesTheCdbLengthAndReportsUnderflow()
    {
        var cdb = CdbBuilder.Write(10, 0, 8);
        var plan = TransferPlan.Decide(Disk.Parse(cdb), DataDirection.Out, uint.MaxValue, Disk.MaxTransferLength, cdb);
        Assert.Equal(new TransferPlan(0, 4096, 0, uint.MaxValue - 4096L, null), plan);
    }

    [Fact]
    public void Decide_WriteShortOfItsCdb_WholeBlocksAndOverflow()
    {
        var cdb = CdbBuilder.Write(10, 0, 8);
        var plan = TransferPlan.Decide(Disk.Parse(cdb), DataDirection.Out, 1100, Disk.MaxTransferLength, cdb);
        Assert.Equal(new TransferPlan(0, 1024, 4096 - 1100, 0, null), plan);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(cdb.AsSpan(7)));   // the CDB now writes the two blocks sent
    }

    [Fact]
    public void Decide_TransferOverTheMaximum_InvalidFieldInCdbAtTheLengthField()
    {
        var cdb = CdbBuilder.Read(16, 0, 0x100000);
        var plan = TransferPlan.Decide(Disk.Parse(cdb), DataDirection.In, uint.MaxValue, Disk.MaxTransferLength, cdb);
        Assert.Equal(new ScsiResult(ScsiStatus.CheckCondition, SenseReason.InvalidFieldInCdb, 0, 10), plan.Refusal);
        Assert.Equal(0, plan.DataIn);
    }

    [Fact]
    public void Decide_AllocationOverTheMaximum_CappedNotRefused()
    {
        var cdb = CdbBuilder.ReportLuns(uint.MaxValue);
        var target = new ScsiTarget();
        target.TryAdd(0, Disk);
        var parsed = target.Parse(0, cdb, out var max);
        var plan = TransferPlan.Decide(parsed, DataDirection.In, uint.MaxValue, max, cdb);
        Assert.Null(plan.Refusal);
        Assert.Equal(max, plan.DataIn);
    }

    [Fact]
    public async Task Execute_TransferOverTheMaximum_InvalidFieldInCdb()
    {
        var blocks = (uint)(Disk.MaxTransferLength / 512) + 1;
        SenseAssert.Check(await Disk.ExecuteAsync(new ScsiCommand(CdbBuilder.Read(16, 0, blocks), default, new byte[512]), default),
            SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 10);
    }

    [Fact]
    public void BlockLimits_MaximumTransferLength_IsTheUnitsMaximumInBlocks()
    {
        var page = Provisioning.BlockLimits(Disk);
        Assert.Equal((uint)(Disk.MaxTransferLength / 512), BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(8)));
    }
}
