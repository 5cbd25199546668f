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
    private const byte Rctd = 0x80;                      // CDB byte 2: return command timeouts descriptors
    private const int TimeoutsLength = 12;               // command timeouts descriptor (SPC-5 6.35.4)
    private const uint NominalTimeoutSeconds = 30;

    public static ScsiResult Execute(LogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        if ((cdb[ServiceActionOffset] & 0x1F) != OperationCode.ReportSupportedOperationCodesServiceAction)
            return ScsiResult.InvalidField(ServiceActionOffset, 4);
        var allocation = BinaryPrimitives.ReadUInt32BigEndian(cdb[AllocationOffset..]);
        var requested = cdb[RequestedOpcodeOffset];
        var requestedServiceAction = BinaryPrimitives.ReadUInt16BigEndian(cdb[RequestedServiceActionOffset..]);
        var entry = unit.Opcodes.FirstOrDefault(e => e.Opcode == requested);
        var timeouts = (cdb[ReportingOptionsOffset] & Rctd) != 0;
        switch (cdb[ReportingOptionsOffset] & 0x07)
        {
            case 0:
                return LogicalUnit.Respond(c, AllCommands(unit, timeouts), allocation);
            case 1:
                if (entry is { ServiceActions.Count: > 0 }) return ScsiResult.InvalidField(ReportingOptionsOffset, 0);
                return LogicalUnit.Respond(c, OneCommand(timeouts, entry is null ? null : requested), allocation);
            case 2:
                if (entry is { ServiceActions.Count: 0 }) return ScsiResult.InvalidField(ReportingOptionsOffset, 0);
                var supported = entry is not null && entry.ServiceActions.Contains((byte)requestedServiceAction);
                return LogicalUnit.Respond(c, OneCommand(timeouts, supported ? requested : null, requestedServiceAction), allocation);
            default:
                return ScsiResult.InvalidField(ReportingOptionsOffset, 0);
        }
    }

    private static byte[] AllCommands(LogicalUnit unit, bool timeouts)
    {
        var size = 8 + (timeouts ? TimeoutsLength : 0);
        var descriptors = unit.Opcodes
            .SelectMany(e => e.ServiceActions.Count == 0 ? [(e.Opcode, ServiceAction: (ushort)0, HasServiceAction: false)]
                : e.ServiceActions.Select(sa => (e.Opcode, ServiceAction: (ushort)sa, HasServiceAction: true)))
            .ToList();
        var d = new byte[4 + size * descriptors.Count];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)(size * descriptors.Count));
        for (var i = 0; i < descriptors.Count; i++)
        {
            var o = d.AsSpan(4 + size * i, size);
            o[0] = descriptors[i].Opcode;
            BinaryPrimitives.WriteUInt16BigEndian(o[2..], descriptors[i].ServiceAction);
            o[5] = (byte)((descriptors[i].HasServiceAction ? ServActv : 0) | (timeouts ? CtdpAll : 0));
            BinaryPrimitives.WriteUInt16BigEndian(o[6..], (ushort)OperationCode.LengthOf(descriptors[i].Opcode));
            if (timeouts) WriteTimeouts(o[8..]);
        }
        return d;
    }

    /// <summary>One command: support, CDB size and the CDB usage map (bits the target looks at).</summary>
    private static byte[] OneCommand(bool timeouts, byte? opcode, ushort serviceAction = 0)
    {
        if (opcode is not byte op) return [0, NotSupported, 0, 0];
        var length = OperationCode.LengthOf(op);
        var d = new byte[4 + length + (timeouts ? TimeoutsLength : 0)];
        d[1] = (byte)(Supported | (timeouts ? CtdpOne : 0));
        if (timeouts) WriteTimeouts(d.AsSpan(4 + length));
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), (ushort)length);
        var usage = d.AsSpan(4, length);
        usage.Fill(0xFF);
        usage[0] = op;
        if (serviceAction != 0) usage[1] = (byte)(0xE0 | serviceAction);
        usage[length - 1] = 0x00; // CONTROL: no NACA or vendor bits are used
        return d;
    }

    private const byte CtdpAll = 0x02;   // all-commands descriptor byte 5 bit 1
    private const byte CtdpOne = 0x80;   // one-command data byte 1 bit 7

    /// <summary>A command timeouts descriptor: length 0Ah, nominal and recommended timeouts in seconds.</summary>
    private static void WriteTimeouts(Span<byte> o)
    {
        BinaryPrimitives.WriteUInt16BigEndian(o, TimeoutsLength - 2);
        BinaryPrimitives.WriteUInt32BigEndian(o[4..], NominalTimeoutSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(o[8..], NominalTimeoutSeconds);
    }
}
