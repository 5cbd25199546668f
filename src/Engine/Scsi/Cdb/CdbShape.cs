using System.Buffers.Binary;

namespace VScsi.Engine.Scsi.Cdb;

/// <summary>Which way a command's data moves (SAM-5 5.4.3): none, to the initiator (data-in) or from it (data-out).</summary>
public enum DataDirection : byte { None, In, Out }

/// <summary>
/// What a command is to reservations, unit attentions and errors: the reservation access class
/// of SPC-5 table 69 / SPC-2 table 31 and the unit attention exemptions of SPC-5 5.14, kept in the
/// opcode table instead of lists by hand.
/// </summary>
[Flags]
public enum CommandTraits : byte
{
    None = 0,

    /// <summary>Changes the medium or its settings: refused under a write-exclusive reservation; an I/O error is a WRITE ERROR.</summary>
    Writes = 1,

    /// <summary>Allowed while another nexus holds an SPC-2 reservation (SPC-2 table 31).</summary>
    PassesReservation = 2,

    /// <summary>Allowed whatever persistent reservation is held (SPC-5 table 69, "allowed" for every type).</summary>
    PassesPersistentReservation = 4,

    /// <summary>Neither reports nor clears a pending unit attention (SPC-5 5.14).</summary>
    BypassesAttention = 8,

    /// <summary>Carries RDPROTECT/WRPROTECT/VRPROTECT in byte 1 bits 7-5, zero without protection information (SBC-4 4.22.2).</summary>
    Protection = 16,
}

/// <summary>How a CDB codes its transfer length (SPC-5 4.2.5): the unit the field counts in.</summary>
public enum TransferUnit : byte
{
    /// <summary>No data.</summary>
    None,

    /// <summary>Exactly a fixed number of bytes at most (READ CAPACITY(10), READ BLOCK LIMITS): the field is the size.</summary>
    Fixed,

    /// <summary>An ALLOCATION LENGTH (data-in) or PARAMETER LIST LENGTH (data-out) in bytes.</summary>
    Bytes,

    /// <summary>A TRANSFER LENGTH in logical blocks with an LBA (SBC-4 READ/WRITE); in 6-byte CDBs 0 means 256.</summary>
    Blocks,

    /// <summary>An LBA range with no data (SYNCHRONIZE CACHE, PRE-FETCH).</summary>
    Range,

    /// <summary>A range written from one data-out block (WRITE SAME; none with NDOB, SBC-4 5.48).</summary>
    SameBlock,

    /// <summary>VERIFY: data-out by BYTCHK (SBC-4 5.38): none, the range, or one block.</summary>
    VerifyBlocks,

    /// <summary>COMPARE AND WRITE: twice the blocks, the verify data then the write data (SBC-4 5.3).</summary>
    CompareBlocks,

    /// <summary>SSC-4 READ(6)/WRITE(6): blocks of the fixed block length when FIXED (byte 1 bit 0), else bytes.</summary>
    TapeBlocks,
}

/// <summary>
/// The shape of one opcode's CDB as the opcode table records it: data direction, traits, and where
/// the transfer length (and LBA) sit. <see cref="Parse"/> decides a command's transfer once, in
/// 64-bit arithmetic that a 32-bit count times a block length cannot overflow, before any buffer
/// exists (the role of LIO's sbc_parse_cdb).
/// </summary>
public readonly record struct CdbShape(DataDirection Direction, TransferUnit Unit, CommandTraits Traits, byte LengthOffset = 0, byte LengthSize = 0, byte LbaOffset = 0, byte LbaSize = 0, ushort FixedLength = 0)
{
    private const byte Lba6HighMask = 0x1F;       // READ(6)/WRITE(6): LBA bits 20..16 in byte 1
    private const byte NdobBit = 0x01;            // WRITE SAME(16) byte 1 bit 0
    private const byte BytChkMask = 0x06;         // VERIFY byte 1 bits 2-1
    private const byte BytChkSameBlock = 0x06;
    private const byte TapeFixedBit = 0x01;       // SSC-4 READ(6)/WRITE(6) byte 1 bit 0

    public static CdbShape NoData(CommandTraits traits = CommandTraits.None) => new(DataDirection.None, TransferUnit.None, traits);

    /// <summary>Data-in of at most <paramref name="bytes"/> (a response of fixed size).</summary>
    public static CdbShape FixedIn(int bytes, CommandTraits traits = CommandTraits.None) => new(DataDirection.In, TransferUnit.Fixed, traits, FixedLength: checked((ushort)bytes));

    /// <summary>Data-in up to the ALLOCATION LENGTH of <paramref name="size"/> bytes at <paramref name="offset"/>.</summary>
    public static CdbShape AllocationIn(int offset, int size, CommandTraits traits = CommandTraits.None) => new(DataDirection.In, TransferUnit.Bytes, traits, (byte)offset, (byte)size);

    /// <summary>Data-out of the PARAMETER LIST LENGTH of <paramref name="size"/> bytes at <paramref name="offset"/>.</summary>
    public static CdbShape ParameterListOut(int offset, int size, CommandTraits traits = CommandTraits.None) => new(DataDirection.Out, TransferUnit.Bytes, traits, (byte)offset, (byte)size);

    /// <summary>A block transfer (or range) with its LBA and TRANSFER LENGTH fields.</summary>
    public static CdbShape Blocks(DataDirection direction, TransferUnit unit, int lbaOffset, int lbaSize, int lengthOffset, int lengthSize, CommandTraits traits = CommandTraits.None) =>
        new(direction, unit, traits, (byte)lengthOffset, (byte)lengthSize, (byte)lbaOffset, (byte)lbaSize);

    /// <summary>The transfer length field's value, big-endian, of 1 to 4 bytes.</summary>
    private uint LengthField(ReadOnlySpan<byte> cdb) => ReadField(cdb, LengthOffset, LengthSize);

    private static uint ReadField(ReadOnlySpan<byte> cdb, int offset, int size) => size switch
    {
        1 => cdb[offset],
        2 => BinaryPrimitives.ReadUInt16BigEndian(cdb[offset..]),
        3 => (uint)((cdb[offset] << 16) | (cdb[offset + 1] << 8) | cdb[offset + 2]),
        4 => BinaryPrimitives.ReadUInt32BigEndian(cdb[offset..]),
        _ => 0,
    };

    /// <summary>
    /// Decides the command's data direction, transfer length in bytes and LBA range, for a CDB at
    /// least as long as its group code says. <paramref name="blockLength"/> is the logical block
    /// length (or the tape's fixed block length). Lengths are computed in 64 bits: a 32-bit block
    /// count times a block length cannot overflow.
    /// </summary>
    public ParsedCdb Parse(ReadOnlySpan<byte> cdb, int blockLength)
    {
        switch (Unit)
        {
            case TransferUnit.None:
                return new ParsedCdb(DataDirection.None, 0, 0, 0, Traits);
            case TransferUnit.Fixed:
                return new ParsedCdb(Direction, FixedLength, 0, 0, Traits, 0, Unit);
            case TransferUnit.Bytes:
                return new ParsedCdb(Direction, LengthField(cdb), 0, 0, Traits, LengthOffset, Unit);
            case TransferUnit.TapeBlocks:
            {
                long count = LengthField(cdb);
                var bytes = (cdb[1] & TapeFixedBit) != 0 ? count * blockLength : count;
                return new ParsedCdb(Direction, bytes, 0, 0, Traits, LengthOffset, Unit);
            }
        }
        ulong lba = LbaSize == 3 ? ReadField(cdb, LbaOffset, 3) & ((uint)Lba6HighMask << 16 | 0xFFFF)
            : LbaSize == 8 ? BinaryPrimitives.ReadUInt64BigEndian(cdb[LbaOffset..]) : ReadField(cdb, LbaOffset, LbaSize);
        ulong blocks = LengthField(cdb);
        if (LengthSize == 1 && Unit == TransferUnit.Blocks && blocks == 0) blocks = 256;   // SBC-4 5.16: READ(6)/WRITE(6)
        long length = Unit switch
        {
            TransferUnit.Blocks => (long)blocks * blockLength,
            TransferUnit.SameBlock when (cdb[1] & NdobBit) != 0 && LengthSize == 4 => 0,
            TransferUnit.SameBlock => blockLength,
            TransferUnit.VerifyBlocks => (cdb[1] & BytChkMask) switch { 0 => 0, BytChkSameBlock => blockLength, _ => (long)blocks * blockLength },
            TransferUnit.CompareBlocks => 2 * (long)blocks * blockLength,
            _ => 0,
        };
        return new ParsedCdb(Direction, length, lba, blocks, Traits, LengthOffset, Unit);
    }
}
