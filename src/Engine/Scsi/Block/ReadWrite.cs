using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// READ and WRITE 6/10/12/16 (SBC-4 5.15-5.17, 5.31-5.34) and SYNCHRONIZE CACHE 10/16 (5.26-5.27):
/// parse, check the range against the capacity, then one positional I/O.
/// </summary>
internal static class ReadWrite
{
    public static void Register(DiskLogicalUnit unit)
    {
        foreach (var (opcode, name, shape) in new[] { (OperationCode.Read6, "READ(6)", BlockShapes.Transfer6(DataDirection.In)), (OperationCode.Read10, "READ(10)", BlockShapes.Read10),
                     (OperationCode.Read12, "READ(12)", BlockShapes.Read12), (OperationCode.Read16, "READ(16)", BlockShapes.Read16) })
            unit.Register(opcode, name, shape, (c, ct) => ReadAsync(unit, c, ct));
        foreach (var (opcode, name, shape) in new[] { (OperationCode.Write6, "WRITE(6)", BlockShapes.Transfer6(DataDirection.Out)), (OperationCode.Write10, "WRITE(10)", BlockShapes.Write10),
                     (OperationCode.Write12, "WRITE(12)", BlockShapes.Write12), (OperationCode.Write16, "WRITE(16)", BlockShapes.Write16) })
            unit.Register(opcode, name, shape, (c, ct) => WriteAsync(unit, c, ct));
        unit.Register(OperationCode.SynchronizeCache10, "SYNCHRONIZE CACHE(10)", BlockShapes.SynchronizeCache10, (c, ct) => SynchronizeAsync(unit, c, ct));
        unit.Register(OperationCode.SynchronizeCache16, "SYNCHRONIZE CACHE(16)", BlockShapes.SynchronizeCache16, (c, ct) => SynchronizeAsync(unit, c, ct));
    }

    internal static bool TryRange(DiskLogicalUnit unit, ScsiCommand c, out BlockCdb cdb, out ScsiResult refusal)
    {
        refusal = default;
        if (!unit.Started)
        {
            cdb = default;
            refusal = ScsiResult.Check(SenseReason.NotReadyInitializingCommandRequired);
            return false;
        }
        if (!BlockCdb.TryParse(c.Cdb.Span, out cdb))
        {
            refusal = ScsiResult.Check(SenseReason.InvalidOperationCode);
            return false;
        }
        if (!cdb.FitsIn(unit.Store.BlockCount))
        {
            refusal = ScsiResult.Check(SenseReason.LbaOutOfRange);
            return false;
        }
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ScsiResult> ReadAsync(DiskLogicalUnit unit, ScsiCommand c, CancellationToken ct)
    {
        if (!TryRange(unit, c, out var cdb, out var refusal)) return refusal;
        var bytes = (long)cdb.Blocks * unit.Store.BlockSize;
        if (bytes > c.DataIn.Length)
            return ScsiResult.InvalidField(cdb.LengthOffset); // more than the initiator can receive
        using (await unit.Ranges.AcquireAsync(cdb.Lba, cdb.Blocks, exclusive: false, ct).ConfigureAwait(false))
            await unit.Store.ReadAsync(cdb.Lba, c.DataIn[..(int)bytes], ct).ConfigureAwait(false);
        return ScsiResult.Good((int)bytes);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ScsiResult> WriteAsync(DiskLogicalUnit unit, ScsiCommand c, CancellationToken ct)
    {
        if (!TryRange(unit, c, out var cdb, out var refusal)) return refusal;
        if (unit.Store.IsReadOnly) return ScsiResult.Check(SenseReason.WriteProtected);
        var bytes = (long)cdb.Blocks * unit.Store.BlockSize;
        if (bytes != c.DataOut.Length)
            return ScsiResult.InvalidField(cdb.LengthOffset); // the data-out does not match the transfer length
        if (bytes > 0)
        {
            using (await unit.Ranges.AcquireAsync(cdb.Lba, cdb.Blocks, exclusive: true, ct).ConfigureAwait(false))
                await unit.Store.WriteAsync(cdb.Lba, c.DataOut, cdb.Fua || !unit.WriteCacheEnabled, ct).ConfigureAwait(false);
        }
        return ScsiResult.Good();
    }

    private static async ValueTask<ScsiResult> SynchronizeAsync(DiskLogicalUnit unit, ScsiCommand c, CancellationToken ct)
    {
        var span = c.Cdb.Span;
        // SYNCHRONIZE CACHE(10): LBA bytes 2-5, NUMBER OF LOGICAL BLOCKS bytes 7-8; (16): LBA 2-9, blocks 10-13.
        var range = span[0] == OperationCode.SynchronizeCache10
            ? new BlockCdb(BinaryPrimitives.ReadUInt32BigEndian(span[2..]), BinaryPrimitives.ReadUInt16BigEndian(span[7..]), false, 2, 7)
            : new BlockCdb(BinaryPrimitives.ReadUInt64BigEndian(span[2..]), BinaryPrimitives.ReadUInt32BigEndian(span[10..]), false, 2, 10);
        if (!range.FitsIn(unit.Store.BlockCount)) return ScsiResult.Check(SenseReason.LbaOutOfRange);
        await unit.Store.FlushAsync(ct).ConfigureAwait(false);
        return ScsiResult.Good();
    }
}
