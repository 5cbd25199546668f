using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// VERIFY 10/16 (SBC-4 5.35-5.36), WRITE AND VERIFY 10/12/16 (5.41-5.43), COMPARE AND WRITE
/// (5.3, atomic: the range is held alone from the compare to the write), PRE-FETCH 10/16
/// (5.9-5.10) and START STOP UNIT (5.25).
/// </summary>
internal static class Verify
{
    private const byte BytChkMask = 0x06;       // VERIFY byte 1 bits 2-1
    private const byte BytChkCompare = 0x02;    // 01b: compare the data-out with the medium
    private const byte BytChkSameBlock = 0x06;  // 11b: compare one data-out block with every block
    public const byte MaxCompareAndWriteBlocks = 16;
    private const int CawBlocksOffset = 13;
    private const byte StartBit = 0x01;

    public static void Register(DiskLogicalUnit unit)
    {
        unit.Register(OperationCode.Verify10, "VERIFY(10)", BlockShapes.Verify10, (c, ct) => VerifyAsync(unit, c, Range10(c), ct));
        unit.Register(OperationCode.Verify16, "VERIFY(16)", BlockShapes.Verify16, (c, ct) => VerifyAsync(unit, c, Range16(c), ct));
        unit.Register(OperationCode.WriteAndVerify10, "WRITE AND VERIFY(10)", BlockShapes.Write10, (c, ct) => WriteAndVerifyAsync(unit, c, Range10(c), ct));
        unit.Register(OperationCode.WriteAndVerify12, "WRITE AND VERIFY(12)", BlockShapes.Write12, (c, ct) => WriteAndVerifyAsync(unit, c, Range12(c), ct));
        unit.Register(OperationCode.WriteAndVerify16, "WRITE AND VERIFY(16)", BlockShapes.Write16, (c, ct) => WriteAndVerifyAsync(unit, c, Range16(c), ct));
        unit.Register(OperationCode.CompareAndWrite, "COMPARE AND WRITE", BlockShapes.CompareAndWrite, (c, ct) => CompareAndWriteAsync(unit, c, ct));
        unit.Register(OperationCode.PreFetch10, "PRE-FETCH(10)", BlockShapes.PreFetch10, (c, _) => ValueTask.FromResult(PreFetch(unit, Range10(c))));
        unit.Register(OperationCode.PreFetch16, "PRE-FETCH(16)", BlockShapes.PreFetch16, (c, _) => ValueTask.FromResult(PreFetch(unit, Range16(c))));
        unit.Register(OperationCode.StartStopUnit, "START STOP UNIT", CdbShape.NoData(), (c, _) =>
        {
            unit.Started = (c.Cdb.Span[4] & StartBit) != 0 || (c.Cdb.Span[4] >> 4) != 0; // a power condition other than START_VALID keeps it spinning
            return ValueTask.FromResult(ScsiResult.Good());
        });
    }

    private static BlockCdb Range10(ScsiCommand c) => new(BinaryPrimitives.ReadUInt32BigEndian(c.Cdb.Span[2..]), BinaryPrimitives.ReadUInt16BigEndian(c.Cdb.Span[7..]), false, 2, 7);

    private static BlockCdb Range12(ScsiCommand c) => new(BinaryPrimitives.ReadUInt32BigEndian(c.Cdb.Span[2..]), BinaryPrimitives.ReadUInt32BigEndian(c.Cdb.Span[6..]), false, 2, 6);

    private static BlockCdb Range16(ScsiCommand c) => new(BinaryPrimitives.ReadUInt64BigEndian(c.Cdb.Span[2..]), BinaryPrimitives.ReadUInt32BigEndian(c.Cdb.Span[10..]), false, 2, 10);

    private static ScsiResult? Check(DiskLogicalUnit unit, BlockCdb range)
    {
        if (!unit.Started) return ScsiResult.Check(SenseReason.NotReadyInitializingCommandRequired);
        return range.FitsIn(unit.Store.BlockCount) ? null : ScsiResult.Check(SenseReason.LbaOutOfRange);
    }

    private static async ValueTask<ScsiResult> VerifyAsync(DiskLogicalUnit unit, ScsiCommand c, BlockCdb range, CancellationToken ct)
    {
        if (Check(unit, range) is { } refusal) return refusal;
        var bytChk = c.Cdb.Span[1] & BytChkMask;
        if (bytChk == 0 || range.Blocks == 0) return ScsiResult.Good(); // medium verification: the blocks are readable
        if (bytChk is not (BytChkCompare or BytChkSameBlock)) return ScsiResult.InvalidField(1, 2);
        var blockSize = unit.Store.BlockSize;
        var expected = bytChk == BytChkCompare ? (long)range.Blocks * blockSize : blockSize;
        if (c.DataOut.Length != expected) return ScsiResult.Check(SenseReason.ParameterListLengthError);
        var medium = new byte[(long)range.Blocks * blockSize];
        using (await unit.Ranges.AcquireAsync(range.Lba, range.Blocks, exclusive: false, ct).ConfigureAwait(false))
            await unit.Store.ReadAsync(range.Lba, medium, ct).ConfigureAwait(false);
        for (var block = 0; block < range.Blocks; block++)
        {
            var source = bytChk == BytChkCompare ? c.DataOut.Span.Slice(block * blockSize, blockSize) : c.DataOut.Span;
            var at = FirstDifference(source, medium.AsSpan(block * blockSize, blockSize));
            if (at >= 0) return ScsiResult.Miscompare((ulong)(block * blockSize + at));
        }
        return ScsiResult.Good();
    }

    private static async ValueTask<ScsiResult> WriteAndVerifyAsync(DiskLogicalUnit unit, ScsiCommand c, BlockCdb range, CancellationToken ct)
    {
        if (Check(unit, range) is { } refusal) return refusal;
        if (unit.Store.IsReadOnly) return ScsiResult.Check(SenseReason.WriteProtected);
        if (c.DataOut.Length != (long)range.Blocks * unit.Store.BlockSize) return ScsiResult.InvalidField(range.LengthOffset);
        if (range.Blocks == 0) return ScsiResult.Good();
        using (await unit.Ranges.AcquireAsync(range.Lba, range.Blocks, exclusive: true, ct).ConfigureAwait(false))
        {
            await unit.Store.WriteAsync(range.Lba, c.DataOut, forceUnitAccess: true, ct).ConfigureAwait(false);
            var back = new byte[c.DataOut.Length];
            await unit.Store.ReadAsync(range.Lba, back, ct).ConfigureAwait(false);
            var at = FirstDifference(c.DataOut.Span, back);
            return at < 0 ? ScsiResult.Good() : ScsiResult.Miscompare((ulong)at);
        }
    }

    private static async ValueTask<ScsiResult> CompareAndWriteAsync(DiskLogicalUnit unit, ScsiCommand c, CancellationToken ct)
    {
        var cdb = c.Cdb.Span;
        var range = new BlockCdb(BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), cdb[CawBlocksOffset], (cdb[1] & 0x08) != 0, 2, CawBlocksOffset);
        if (range.Blocks > MaxCompareAndWriteBlocks) return ScsiResult.InvalidField(CawBlocksOffset);
        if (Check(unit, range) is { } refusal) return refusal;
        if (unit.Store.IsReadOnly) return ScsiResult.Check(SenseReason.WriteProtected);
        var half = (int)range.Blocks * unit.Store.BlockSize;
        if (c.DataOut.Length != 2 * half) return ScsiResult.InvalidField(CawBlocksOffset);
        if (range.Blocks == 0) return ScsiResult.Good();
        using (await unit.Ranges.AcquireAsync(range.Lba, range.Blocks, exclusive: true, ct).ConfigureAwait(false))
        {
            var medium = new byte[half];
            await unit.Store.ReadAsync(range.Lba, medium, ct).ConfigureAwait(false);
            var at = FirstDifference(c.DataOut.Span[..half], medium);
            if (at >= 0) return ScsiResult.Miscompare((ulong)at);
            await unit.Store.WriteAsync(range.Lba, c.DataOut[half..], range.Fua || !unit.WriteCacheEnabled, ct).ConfigureAwait(false);
        }
        return ScsiResult.Good();
    }

    private static ScsiResult PreFetch(DiskLogicalUnit unit, BlockCdb range) => Check(unit, range) ?? ScsiResult.Good();

    private static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var common = a.CommonPrefixLength(b);
        return common == a.Length && a.Length == b.Length ? -1 : common;
    }
}
