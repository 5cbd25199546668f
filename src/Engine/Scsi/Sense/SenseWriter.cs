using System.Buffers.Binary;

namespace VScsi.Engine.Scsi.Sense;

/// <summary>Writes fixed-format sense data (SPC-5 4.4.3), 18 bytes, with the field pointer when given.</summary>
public static class SenseWriter
{
    public const int FixedLength = 18;
    private const byte CurrentErrorFixed = 0x70;      // response code: current error, fixed format
    private const byte Valid = 0x80;                   // byte 0: the INFORMATION field is valid
    private const int InformationOffset = 3;          // bytes 3-6
    private const int SenseKeyOffset = 2;
    private const int AdditionalLengthOffset = 7;
    private const int AscOffset = 12;
    private const int AscqOffset = 13;
    private const int SenseKeySpecificOffset = 15;
    private const byte Sksv = 0x80;                    // SENSE KEY SPECIFIC VALID
    private const byte CommandData = 0x40;             // C/D: the pointer is into the CDB
    private const byte BitPointerValid = 0x08;         // BPV

    /// <summary>Writes the sense of <paramref name="result"/> and returns the length written (at most the span).</summary>
    public static int WriteFixed(in ScsiResult result, Span<byte> destination)
    {
        Span<byte> sense = stackalloc byte[FixedLength];
        sense.Clear();
        var code = SenseTable.For(result.Reason);
        sense[0] = CurrentErrorFixed;
        sense[SenseKeyOffset] = (byte)((byte)code.Key | result.SenseFlags);
        sense[AdditionalLengthOffset] = FixedLength - 8;
        sense[AscOffset] = code.Asc;
        sense[AscqOffset] = code.Ascq;
        if (result.Information is ulong information)
        {
            sense[0] |= Valid;
            BinaryPrimitives.WriteUInt32BigEndian(sense[InformationOffset..], (uint)information);
        }
        if (result.FieldPointer is int field)
        {
            var flags = (byte)(Sksv | (result.FieldInCdb ? CommandData : 0));
            if (result.BitPointer is int bit) flags |= (byte)(BitPointerValid | (bit & 0x7));
            sense[SenseKeySpecificOffset] = flags;
            BinaryPrimitives.WriteUInt16BigEndian(sense[(SenseKeySpecificOffset + 1)..], (ushort)field);
        }
        var length = Math.Min(FixedLength, destination.Length);
        sense[..length].CopyTo(destination);
        return length;
    }
}
