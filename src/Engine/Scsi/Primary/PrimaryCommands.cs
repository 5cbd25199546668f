using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>The SPC commands every logical unit shares: TEST UNIT READY, REQUEST SENSE.</summary>
internal static class PrimaryCommands
{
    private const int RequestSenseAllocationOffset = 4;    // SPC-5 6.39: ALLOCATION LENGTH, byte 4
    private const byte DescriptorFormatBit = 0x01;         // DESC, byte 1 bit 0

    /// <summary>INQUIRY, REPORT LUNS and REQUEST SENSE: allowed under any reservation, and they leave unit attentions pending (SPC-5 5.14).</summary>
    public const CommandTraits Informational = CommandTraits.PassesReservation | CommandTraits.PassesPersistentReservation | CommandTraits.BypassesAttention;

    /// <summary>TEST UNIT READY: no data, allowed under a persistent reservation (SPC-5 table 69).</summary>
    public static readonly CdbShape TestUnitReady = CdbShape.NoData(CommandTraits.PassesPersistentReservation);

    public static void Register(LogicalUnit unit)
    {
        unit.Register(OperationCode.TestUnitReady, "TEST UNIT READY", TestUnitReady, (_, _) => ValueTask.FromResult(ScsiResult.Good()));
        unit.Register(OperationCode.RequestSense, "REQUEST SENSE", CdbShape.AllocationIn(RequestSenseAllocationOffset, 1, Informational),
            (c, _) => ValueTask.FromResult(RequestSense(unit, c)));
        unit.Register(OperationCode.Inquiry, "INQUIRY", CdbShape.AllocationIn(3, 2, Informational), (c, _) => ValueTask.FromResult(Inquiry.Execute(unit, c)));
        unit.Register(OperationCode.MaintenanceIn, "MAINTENANCE IN", CdbShape.AllocationIn(6, 4, CommandTraits.PassesReservation | CommandTraits.PassesPersistentReservation),
            (c, _) => ValueTask.FromResult(SupportedOperationCodes.Execute(unit, c)),
            OperationCode.ReportSupportedOperationCodesServiceAction);
    }

    /// <summary>
    /// REQUEST SENSE (SPC-5 6.39): sense is returned with each CHECK CONDITION (autosense), so the
    /// only pending sense is a unit attention, which this reports and clears; otherwise NO SENSE.
    /// Fixed format only: descriptor format is refused.
    /// </summary>
    private static ScsiResult RequestSense(LogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        if ((cdb[1] & DescriptorFormatBit) != 0) return ScsiResult.InvalidField(1, 0);
        Span<byte> sense = stackalloc byte[SenseWriter.FixedLength];
        var pending = unit.Attentions.Take(c.Nexus);
        SenseWriter.WriteFixed(pending is SenseReason reason ? ScsiResult.Check(reason) : ScsiResult.Good(), sense);
        return LogicalUnit.Respond(c, sense, cdb[RequestSenseAllocationOffset]);
    }

    /// <summary>A big-endian 16-bit allocation length at <paramref name="offset"/>.</summary>
    public static int AllocationLength16(ReadOnlySpan<byte> cdb, int offset) => BinaryPrimitives.ReadUInt16BigEndian(cdb[offset..]);
}
