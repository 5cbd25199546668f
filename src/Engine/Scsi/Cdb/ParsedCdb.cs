using System.Buffers.Binary;

namespace VScsi.Engine.Scsi.Cdb;

/// <summary>
/// A command's transfer as its CDB decides it (SAM-5 5.4.3's "SPDTL"): direction, length in
/// bytes, and for block commands the LBA range. Transports size buffers from this and from the
/// initiator's expected length, never from the expected length alone.
/// </summary>
public readonly record struct ParsedCdb(DataDirection Direction, long TransferLength, ulong Lba, ulong Blocks, CommandTraits Traits, int LengthOffset = 0, TransferUnit Unit = TransferUnit.None)
{
    /// <summary>A command the table does not know (or a CDB too short): no data; the logical unit answers it.</summary>
    public static ParsedCdb Unknown => new(DataDirection.None, 0, 0, 0, CommandTraits.None);

    /// <summary>Whether the CDB carries an LBA range (<see cref="Lba"/>, <see cref="Blocks"/>).</summary>
    public bool HasRange => Unit is TransferUnit.Blocks or TransferUnit.Range or TransferUnit.SameBlock or TransferUnit.VerifyBlocks or TransferUnit.CompareBlocks;

    /// <summary>Whether the LBA range reaches past the last block of the logical unit (LBA OUT OF RANGE when it runs).</summary>
    public bool BeyondCapacity { get; init; }

    /// <summary>An ALLOCATION LENGTH: the most the initiator will take, not what the command produces.</summary>
    public bool IsAllocation => Unit is TransferUnit.Bytes or TransferUnit.Fixed && Direction == DataDirection.In;

    /// <summary>
    /// Rewrites the TRANSFER LENGTH field to <paramref name="blocks"/> (a write cut to the data
    /// the initiator sends); false when the field cannot hold it (6-byte CDBs hold 1 to 256).
    /// </summary>
    public bool WithBlocks(Span<byte> cdb, ulong blocks)
    {
        switch (cdb.Length)
        {
            case 6:
                if (blocks is 0 or > 256) return false;
                cdb[LengthOffset] = (byte)blocks;   // 256 is coded as 0
                return true;
            case 10:
                if (blocks > ushort.MaxValue) return false;
                BinaryPrimitives.WriteUInt16BigEndian(cdb[LengthOffset..], (ushort)blocks);
                return true;
            default:
                if (blocks > uint.MaxValue) return false;
                BinaryPrimitives.WriteUInt32BigEndian(cdb[LengthOffset..], (uint)blocks);
                return true;
        }
    }
}
