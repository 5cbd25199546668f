using System.Buffers.Binary;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Keeps every command that may change the medium away from the canary blocks, so that "no data
/// outside the written ranges changes" is a sound invariant: a write-family CDB whose whole range
/// lies inside the disk is moved into the scratch range. Ranges reaching past the end of the disk
/// (or wrapping around 2^64) are left alone: SBC-4 4.5 says they write nothing, and a target that
/// writes the part inside the disk, or the wrapped part, shows up as a changed canary block.
/// Commands whose effect is not a block range, or lasts beyond the session (FORMAT UNIT, SANITIZE,
/// WRITE BUFFER, third-party copy, PERSISTENT RESERVE OUT, 32-byte CDBs), are never sent.
/// </summary>
public static class WriteGuard
{
    /// <summary>Opcodes the fuzzer never sends: their legitimate effect would defeat the canary or the probe.</summary>
    public static readonly byte[] Excluded = [0x04, 0x07, 0x3B, 0x48, 0x5F, 0x7F, 0x83, 0x84, 0x9D, 0x9F];

    /// <summary>Replaces an excluded opcode by TEST UNIT READY and moves a write-family range into scratch.</summary>
    public static void Apply(Span<byte> cdb, FuzzTarget target, FuzzRandom random)
    {
        if (Array.IndexOf(Excluded, cdb[0]) >= 0) cdb[0] = 0x00;
        if (Range(cdb) is not { } range) return;
        var (lba, blocks, width) = range;
        if (blocks == 0 && cdb[0] is 0x41 or 0x93)
        {
            WriteLength(cdb, 1);                                           // WRITE SAME with 0 blocks means "to the end" (SBC-4 5.50)
            blocks = 1;
        }
        if (lba + blocks > (ulong)target.Blocks || target.InScratch(lba, blocks)) return;
        var room = (ulong)target.ScratchBlocks;
        if (blocks > room)
        {
            blocks = room;
            WriteLength(cdb, blocks);
        }
        var moved = (ulong)target.ScratchLba + (ulong)random.Next((int)(room - (ulong)blocks + 1));
        WriteLba(cdb, moved, width);
    }

    /// <summary>The block range a write-family CDB names (SBC-4 5.x), or null for other commands.</summary>
    public static (UInt128 Lba, UInt128 Blocks, int LbaWidth)? Range(ReadOnlySpan<byte> cdb) => cdb[0] switch
    {
        0x0A => ((ulong)(((cdb[1] & 0x1F) << 16) | (cdb[2] << 8) | cdb[3]), cdb[4] == 0 ? 256u : cdb[4], 3),
        0x2A or 0x2E or 0x41 => (BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]), 4),
        0xAA or 0xAE => (BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]), 4),
        0x8A or 0x8E or 0x93 => (BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]), 8),
        0x89 => (BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), cdb[13], 8),
        _ => null,
    };

    private static void WriteLba(Span<byte> cdb, ulong lba, int width)
    {
        switch (width)
        {
            case 3:
                cdb[1] = (byte)((cdb[1] & 0xE0) | (int)((lba >> 16) & 0x1F));
                cdb[2] = (byte)(lba >> 8);
                cdb[3] = (byte)lba;
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(cdb[2..], (uint)lba);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(cdb[2..], lba);
                break;
        }
    }

    private static void WriteLength(Span<byte> cdb, UInt128 blocks)
    {
        switch (cdb[0])
        {
            case 0x0A: cdb[4] = (byte)(blocks == 256 ? 0 : (byte)blocks); break;
            case 0x2A or 0x2E or 0x41: BinaryPrimitives.WriteUInt16BigEndian(cdb[7..], (ushort)blocks); break;
            case 0xAA or 0xAE: BinaryPrimitives.WriteUInt32BigEndian(cdb[6..], (uint)blocks); break;
            case 0x89: cdb[13] = (byte)blocks; break;
            default: BinaryPrimitives.WriteUInt32BigEndian(cdb[10..], (uint)blocks); break;
        }
    }

    /// <summary>An UNMAP parameter list (SBC-4 5.30.2) whose descriptors lie in scratch or past the end of the disk.</summary>
    public static byte[] UnmapList(FuzzTarget target, FuzzRandom random)
    {
        var count = random.Next(1, 5);
        var list = new byte[8 + 16 * count];
        BinaryPrimitives.WriteUInt16BigEndian(list, (ushort)(6 + 16 * count));
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(2), (ushort)(16 * count));
        for (var i = 0; i < count; i++)
        {
            var d = list.AsSpan(8 + 16 * i);
            var beyond = random.Chance(3);
            var blocks = (uint)random.Next(1, 64);
            var lba = beyond ? (ulong)target.Blocks + (ulong)random.Next(1 << 20) : (ulong)target.ScratchLba + (ulong)random.Next((int)target.ScratchBlocks - 64);
            BinaryPrimitives.WriteUInt64BigEndian(d, lba);
            BinaryPrimitives.WriteUInt32BigEndian(d[8..], blocks);
        }
        return list;
    }
}
