using VScsi.Engine.Scsi.Cdb;

namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// The CDB shapes of the SBC-4 commands: where each keeps its LBA and TRANSFER LENGTH (or
/// NUMBER OF LOGICAL BLOCKS), its data direction, and whether it writes and carries the
/// protection field. The opcode table takes these at registration; nothing else decodes them.
/// </summary>
internal static class BlockShapes
{
    private const CommandTraits Writing = CommandTraits.Writes | CommandTraits.Protection;

    /// <summary>READ/WRITE(6): 21-bit LBA in bytes 1-3, TRANSFER LENGTH byte 4 (SBC-4 5.15, 5.31).</summary>
    public static CdbShape Transfer6(DataDirection direction) =>
        CdbShape.Blocks(direction, TransferUnit.Blocks, 1, 3, 4, 1, direction == DataDirection.Out ? CommandTraits.Writes : CommandTraits.None);

    /// <summary>The 10-byte form: LBA bytes 2-5, TRANSFER LENGTH bytes 7-8.</summary>
    public static CdbShape Transfer10(DataDirection direction, CommandTraits traits) => CdbShape.Blocks(direction, TransferUnit.Blocks, 2, 4, 7, 2, traits);

    /// <summary>The 12-byte form: LBA bytes 2-5, TRANSFER LENGTH bytes 6-9.</summary>
    public static CdbShape Transfer12(DataDirection direction, CommandTraits traits) => CdbShape.Blocks(direction, TransferUnit.Blocks, 2, 4, 6, 4, traits);

    /// <summary>The 16-byte form: LBA bytes 2-9, TRANSFER LENGTH bytes 10-13.</summary>
    public static CdbShape Transfer16(DataDirection direction, CommandTraits traits) => CdbShape.Blocks(direction, TransferUnit.Blocks, 2, 8, 10, 4, traits);

    public static readonly CdbShape Read10 = Transfer10(DataDirection.In, CommandTraits.Protection);
    public static readonly CdbShape Read12 = Transfer12(DataDirection.In, CommandTraits.Protection);
    public static readonly CdbShape Read16 = Transfer16(DataDirection.In, CommandTraits.Protection);
    public static readonly CdbShape Write10 = Transfer10(DataDirection.Out, Writing);
    public static readonly CdbShape Write12 = Transfer12(DataDirection.Out, Writing);
    public static readonly CdbShape Write16 = Transfer16(DataDirection.Out, Writing);

    /// <summary>SYNCHRONIZE CACHE(10)/(16) (SBC-4 5.26-5.27): a range, no data; it counts as a write for reservations.</summary>
    public static readonly CdbShape SynchronizeCache10 = CdbShape.Blocks(DataDirection.None, TransferUnit.Range, 2, 4, 7, 2, CommandTraits.Writes);
    public static readonly CdbShape SynchronizeCache16 = CdbShape.Blocks(DataDirection.None, TransferUnit.Range, 2, 8, 10, 4, CommandTraits.Writes);

    /// <summary>PRE-FETCH(10)/(16) (SBC-4 5.11-5.12): a range, no data.</summary>
    public static readonly CdbShape PreFetch10 = CdbShape.Blocks(DataDirection.None, TransferUnit.Range, 2, 4, 7, 2);
    public static readonly CdbShape PreFetch16 = CdbShape.Blocks(DataDirection.None, TransferUnit.Range, 2, 8, 10, 4);

    /// <summary>WRITE SAME(10)/(16) (SBC-4 5.47-5.48): one block of data-out for the range (none with NDOB).</summary>
    public static readonly CdbShape WriteSame10 = CdbShape.Blocks(DataDirection.Out, TransferUnit.SameBlock, 2, 4, 7, 2, Writing);
    public static readonly CdbShape WriteSame16 = CdbShape.Blocks(DataDirection.Out, TransferUnit.SameBlock, 2, 8, 10, 4, Writing);

    /// <summary>VERIFY(10)/(16) (SBC-4 5.38-5.39): data-out by BYTCHK.</summary>
    public static readonly CdbShape Verify10 = CdbShape.Blocks(DataDirection.Out, TransferUnit.VerifyBlocks, 2, 4, 7, 2, CommandTraits.Protection);
    public static readonly CdbShape Verify16 = CdbShape.Blocks(DataDirection.Out, TransferUnit.VerifyBlocks, 2, 8, 10, 4, CommandTraits.Protection);

    /// <summary>COMPARE AND WRITE (SBC-4 5.3): NUMBER OF LOGICAL BLOCKS byte 13, twice that many blocks of data-out.</summary>
    public static readonly CdbShape CompareAndWrite = CdbShape.Blocks(DataDirection.Out, TransferUnit.CompareBlocks, 2, 8, 13, 1, Writing);

    /// <summary>UNMAP (SBC-4 5.30): PARAMETER LIST LENGTH bytes 7-8.</summary>
    public static readonly CdbShape Unmap = CdbShape.ParameterListOut(7, 2, CommandTraits.Writes);

    /// <summary>READ CAPACITY(10) (SBC-4 5.20): eight bytes of data-in; allowed under a persistent reservation (SPC-5 table 69).</summary>
    public static readonly CdbShape ReadCapacity10 = CdbShape.FixedIn(8, CommandTraits.PassesPersistentReservation);

    /// <summary>SERVICE ACTION IN(16): READ CAPACITY(16), GET LBA STATUS; ALLOCATION LENGTH bytes 10-13.</summary>
    public static readonly CdbShape ServiceActionIn16 = CdbShape.AllocationIn(10, 4, CommandTraits.PassesPersistentReservation);

    /// <summary>MODE SENSE(6)/(10) (SPC-5 6.13-6.14): ALLOCATION LENGTH byte 4 / bytes 7-8.</summary>
    public static readonly CdbShape ModeSense6 = CdbShape.AllocationIn(4, 1);
    public static readonly CdbShape ModeSense10 = CdbShape.AllocationIn(7, 2);

    /// <summary>MODE SELECT(6)/(10) (SPC-5 6.11-6.12): PARAMETER LIST LENGTH byte 4 / bytes 7-8; they change settings.</summary>
    public static readonly CdbShape ModeSelect6 = CdbShape.ParameterListOut(4, 1, CommandTraits.Writes);
    public static readonly CdbShape ModeSelect10 = CdbShape.ParameterListOut(7, 2, CommandTraits.Writes);
}
