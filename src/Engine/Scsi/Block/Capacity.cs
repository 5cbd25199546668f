using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;

namespace VScsi.Engine.Scsi.Block;

/// <summary>READ CAPACITY(10) (SBC-4 5.19) and READ CAPACITY(16) (SBC-4 5.20, SERVICE ACTION IN(16) 10h).</summary>
internal static class Capacity
{
    private const int ServiceActionOffset = 1;
    private const byte ServiceActionMask = 0x1F;
    private const int Capacity16AllocationOffset = 10;   // bytes 10-13
    private const int Capacity10Length = 8;
    private const int Capacity16Length = 32;
    private const int LbpOffset = 14;                    // LBPME (bit 7) and LBPRZ (bit 6)
    private const byte LbpmeAndLbprz = 0xC0;

    public static void Register(DiskLogicalUnit unit)
    {
        unit.Register(OperationCode.ReadCapacity10, "READ CAPACITY(10)", BlockShapes.ReadCapacity10, (c, _) => ValueTask.FromResult(ReadCapacity10(unit, c)));
        unit.Register(OperationCode.ServiceActionIn16, "SERVICE ACTION IN(16)", BlockShapes.ServiceActionIn16, (c, _) => ValueTask.FromResult(ServiceActionIn(unit, c)),
            OperationCode.ReadCapacity16ServiceAction, OperationCode.GetLbaStatusServiceAction);
    }

    private static ScsiResult ReadCapacity10(DiskLogicalUnit unit, ScsiCommand c)
    {
        Span<byte> d = stackalloc byte[Capacity10Length];
        var last = unit.Store.BlockCount - 1;
        // A capacity beyond 32 bits reports FFFFFFFFh: the initiator must use READ CAPACITY(16).
        BinaryPrimitives.WriteUInt32BigEndian(d, last > uint.MaxValue ? uint.MaxValue : (uint)last);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], (uint)unit.Store.BlockSize);
        return LogicalUnit.Respond(c, d, Capacity10Length);
    }

    private static ScsiResult ServiceActionIn(DiskLogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var serviceAction = cdb[ServiceActionOffset] & ServiceActionMask;
        if (serviceAction == OperationCode.GetLbaStatusServiceAction)
            return Provisioning.GetLbaStatus(unit, c);
        if (serviceAction != OperationCode.ReadCapacity16ServiceAction)
            return ScsiResult.InvalidField(ServiceActionOffset, 4);
        Span<byte> d = stackalloc byte[Capacity16Length];
        d.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(d, unit.Store.BlockCount - 1);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], (uint)unit.Store.BlockSize);
        if (unit.Store.IsThin)
            d[LbpOffset] = LbpmeAndLbprz; // thin provisioned, and unmapped blocks read as zeros
        return LogicalUnit.Respond(c, d, BinaryPrimitives.ReadUInt32BigEndian(cdb[Capacity16AllocationOffset..]));
    }
}
