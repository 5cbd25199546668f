using System.Buffers.Binary;

namespace VScsi.Engine.Scsi.Cdb;

/// <summary>
/// The LBA, transfer length and FUA bit of the READ/WRITE/SYNCHRONIZE CACHE families, decoded by
/// CDB length (SBC-4 5.15-5.17, 5.31-5.34, 5.26-5.27). Offsets name the spec's byte positions.
/// </summary>
public readonly record struct BlockCdb(ulong Lba, uint Blocks, bool Fua, int LbaOffset, int LengthOffset)
{
    private const byte FuaBit = 0x08;          // byte 1 bit 3 of the 10/12/16-byte forms
    private const byte Lba6HighMask = 0x1F;    // READ(6)/WRITE(6): LBA bits 20..16 in byte 1

    /// <summary>Decodes a 6, 10, 12 or 16-byte READ/WRITE CDB; false when the CDB is too short.</summary>
    public static bool TryParse(ReadOnlySpan<byte> cdb, out BlockCdb parsed)
    {
        parsed = default;
        var length = OperationCode.LengthOf(cdb.IsEmpty ? (byte)0 : cdb[0]);
        if (cdb.Length < length || length == 0) return false;
        parsed = length switch
        {
            // READ(6)/WRITE(6): a transfer length of 0 means 256 blocks (SBC-4 5.16).
            6 => new BlockCdb((ulong)(((cdb[1] & Lba6HighMask) << 16) | BinaryPrimitives.ReadUInt16BigEndian(cdb[2..])),
                cdb[4] == 0 ? 256u : cdb[4], false, 1, 4),
            10 => new BlockCdb(BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]), (cdb[1] & FuaBit) != 0, 2, 7),
            12 => new BlockCdb(BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]), (cdb[1] & FuaBit) != 0, 2, 6),
            _ => new BlockCdb(BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]), (cdb[1] & FuaBit) != 0, 2, 10),
        };
        return true;
    }

    /// <summary>Whether LBA + blocks stays within <paramref name="blockCount"/>, without overflow.</summary>
    public bool FitsIn(ulong blockCount) => Lba <= blockCount && Blocks <= blockCount - Lba;
}
