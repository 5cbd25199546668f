using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi;

/// <summary>
/// What a handler returns: a status, and for CHECK CONDITION a named reason (mapped to sense data
/// in one place, <see cref="SenseTable"/>) with the optional sense-key-specific field pointer
/// into the CDB (SPC-5 4.4.2.4.2). <see cref="DataLength"/> is the data-in actually produced.
/// </summary>
public readonly record struct ScsiResult(ScsiStatus Status, SenseReason Reason, int DataLength, int? FieldPointer = null, int? BitPointer = null, bool FieldInCdb = true, ulong? Information = null)
{
    public static ScsiResult Good(int dataLength = 0) => new(ScsiStatus.Good, SenseReason.None, dataLength);

    public static ScsiResult Check(SenseReason reason) => new(ScsiStatus.CheckCondition, reason, 0);

    /// <summary>ILLEGAL REQUEST, INVALID FIELD IN CDB, pointing at the offending byte (and bit).</summary>
    public static ScsiResult InvalidField(int bytePointer, int? bitPointer = null) =>
        new(ScsiStatus.CheckCondition, SenseReason.InvalidFieldInCdb, 0, bytePointer, bitPointer);

    /// <summary>ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST, pointing at the offending parameter byte.</summary>
    public static ScsiResult InvalidParameter(int bytePointer) =>
        new(ScsiStatus.CheckCondition, SenseReason.InvalidFieldInParameterList, 0, bytePointer, null, FieldInCdb: false);

    /// <summary>MISCOMPARE DURING VERIFY OPERATION, with the offset of the first differing byte in INFORMATION.</summary>
    public static ScsiResult Miscompare(ulong offset) => new(ScsiStatus.CheckCondition, SenseReason.MiscompareDuringVerify, 0, Information: offset);

    public bool IsGood => Status == ScsiStatus.Good;

    /// <summary>FILEMARK (80h), EOM (40h) and ILI (20h), or-ed into byte 2 of the sense (SSC-4 4.2.21).</summary>
    public byte SenseFlags { get; init; }

    public const byte Filemark = 0x80;
    public const byte EndOfMedium = 0x40;
    public const byte IncorrectLengthIndicator = 0x20;

    /// <summary>CHECK CONDITION with sequential-access flags and the INFORMATION field (a residue).</summary>
    public static ScsiResult Sequential(SenseReason reason, byte flags, long information, int dataLength = 0) =>
        new(ScsiStatus.CheckCondition, reason, dataLength, Information: unchecked((ulong)information)) { SenseFlags = flags };
}
