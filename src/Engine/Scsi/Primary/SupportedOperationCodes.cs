using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>
/// REPORT SUPPORTED OPERATION CODES (SPC-5 6.35), generated from the logical unit's opcode table:
/// all commands (reporting options 000b), one opcode (001b) or one opcode and service action (010b).
/// </summary>
internal static class SupportedOperationCodes
{
    private const int ServiceActionOffset = 1;
    private const int ReportingOptionsOffset = 2;
    private const int RequestedOpcodeOffset = 3;
    private const int RequestedServiceActionOffset = 4;  // bytes 4-5
    private const int AllocationOffset = 6;              // bytes 6-9
    private const byte ServActv = 0x01;                  // command descriptor: the opcode has service actions
    private const byte Supported = 0x03;                 // one-command SUPPORT: supported as the standard says
    private const byte NotSupported = 0x01;

    public static ScsiResult Execute(LogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        if ((cdb[ServiceActionOffset] & 0x1F) != OperationCode.ReportSupportedOperationCodesServiceAction)
            return ScsiResult.InvalidField(ServiceActionOffset, 4);
        var allocation = BinaryPrimitives.ReadUInt32BigEndian(cdb[AllocationOffset..]);
        var requested = cdb[RequestedOpcodeOffset];
        var requestedServiceAction = BinaryPrimitives.ReadUInt16BigEndian(cdb[RequestedServiceActionOffset..]);
        var entry = unit.Opcodes.FirstOrDefault(e => e.Opcode == requested);
        switch (cdb[ReportingOptionsOffset] & 0x07)
        {
            case 0:
                return LogicalUnit.Respond(c, AllCommands(unit), allocation);
            case 1:
                if (entry is { ServiceActions.Count: > 0 }) return ScsiResult.InvalidField(ReportingOptionsOffset, 0);
                return LogicalUnit.Respond(c, OneCommand(entry is null ? null : requested), allocation);
            case 2:
                if (entry is { ServiceActions.Count: 0 }) return ScsiResult.InvalidField(ReportingOptionsOffset, 0);
                var supported = entry is not null && entry.ServiceActions.Contains((byte)requestedServiceAction);
                return LogicalUnit.Respond(c, OneCommand(supported ? requested : null, requestedServiceAction), allocation);
            default:
                return ScsiResult.InvalidField(ReportingOptionsOffset, 0);
        }
    }

    private static byte[] AllCommands(LogicalUnit unit)
    {
        var descriptors = unit.Opcodes
            .SelectMany(e => e.ServiceActions.Count == 0 ? [(e.Opcode, ServiceAction: (ushort)0, HasServiceAction: false)]
                : e.ServiceActions.Select(sa => (e.Opcode, ServiceAction: (ushort)sa, HasServiceAction: true)))
            .ToList();
        var d = new byte[4 + 8 * descriptors.Count];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)(8 * descriptors.Count));
        for (var i = 0; i < descriptors.Count; i++)
        {
            var o = d.AsSpan(4 + 8 * i, 8);
            o[0] = descriptors[i].Opcode;
            BinaryPrimitives.WriteUInt16BigEndian(o[2..], descriptors[i].ServiceAction);
            o[5] = descriptors[i].HasServiceAction ? ServActv : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(o[6..], (ushort)OperationCode.LengthOf(descriptors[i].Opcode));
        }
        return d;
    }

    /// <summary>One command: support, CDB size and the CDB usage map (bits the target looks at).</summary>
    private static byte[] OneCommand(byte? opcode, ushort serviceAction = 0)
    {
        if (opcode is not byte op) return [0, NotSupported, 0, 0];
        var length = OperationCode.LengthOf(op);
        var d = new byte[4 + length];
        d[1] = Supported;
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), (ushort)length);
        var usage = d.AsSpan(4);
        usage.Fill(0xFF);
        usage[0] = op;
        if (serviceAction != 0) usage[1] = (byte)(0xE0 | serviceAction);
        usage[^1] = 0x00; // CONTROL: no NACA or vendor bits are used
        return d;
    }
}
