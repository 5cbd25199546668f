using System.Buffers.Binary;

namespace VScsi.Reliability.Fuzz;

/// <summary>A SCSI command as a case sends it: CDB, direction flags, expected length and any immediate data.</summary>
public sealed record FuzzCommand(byte[] Cdb, bool Read, bool Write, uint Edtl, byte[] Data);

/// <summary>
/// Random CDBs: every opcode the target reports (with its service action), with LBAs and transfer
/// lengths biased to the edges (0, the last block, past the end, 2^32-1, 2^64-1), random bytes
/// elsewhere, and random opcodes the target does not know; expected lengths that match, lie
/// (including 0x7fffffff and 0xffffffff) or leave out the direction bits. Ranges that may write go
/// through <see cref="WriteGuard"/>.
/// </summary>
public static class CdbFactory
{
    public static FuzzCommand Create(FuzzContext ctx, FuzzRandom r, bool allowHugeEdtl = true)
    {
        var t = ctx.Target;
        var known = ctx.Opcodes.Count > 0 && !r.Chance(7);
        var entry = known ? r.Pick(ctx.Opcodes) : null;
        var opcode = entry?.Opcode ?? r.NextByte();
        var length = entry?.CdbLength ?? (opcode >> 5) switch { 0 => 6, 1 or 2 => 10, 4 => 16, 5 => 12, _ => r.Pick(new[] { 6, 10, 12, 16 }) };
        var cdb = r.Bytes(Math.Clamp(length, 6, 16));
        cdb[0] = opcode;
        if (entry?.ServiceAction is ushort sa) cdb[1] = (byte)((cdb[1] & 0xE0) | (sa & 0x1F));
        if (r.Chance(3)) Array.Clear(cdb, 1, cdb.Length - 1);      // mostly-zero CDBs reach deeper than random ones
        if (r.Chance(4)) cdb[^1] = 0;                              // a CONTROL byte without NACA or vendor bits
        var blocks = Blocks(r, t);
        if (WriteGuard.Range(cdb) is not null || IsRead(opcode)) SetRange(cdb, r, t, blocks);
        WriteGuard.Apply(cdb, t, r);
        opcode = cdb[0];
        var write = WriteGuard.Range(cdb) is not null || opcode is 0x15 or 0x55 or 0x42;
        var transfer = WriteGuard.Range(cdb) is { } range ? (ulong)(range.Blocks * (uint)t.BlockSize) : IsRead(opcode) ? (ulong)blocks * (uint)t.BlockSize : (ulong)r.Next(512);
        if (cdb[0] == 0x89) transfer *= 2;                         // COMPARE AND WRITE: verify and write data
        var edtl = r.Next(6) switch
        {
            0 => allowHugeEdtl ? r.Pick(new[] { 0x7FFFFFFFu, 0xFFFFFFFFu, 0x80000000u }) : (uint)r.Next(1 << 16),
            1 => r.EdgyUInt32() % (allowHugeEdtl ? uint.MaxValue : 1u << 24),
            2 => 0u,
            _ => (uint)Math.Min(transfer, uint.MaxValue),
        };
        if (!allowHugeEdtl) edtl &= (1u << 24) - 1;
        var (read, writeFlag) = r.Next(8) switch
        {
            0 => (false, false),
            1 => (true, true),
            2 => (!IsRead(opcode) && !write, write),
            _ => (!write, write),
        };
        var data = writeFlag ? DataFor(cdb, r, t, edtl) : [];
        if (cdb[0] == 0x42)
        {
            data = WriteGuard.UnmapList(t, r);
            BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), (ushort)data.Length);
            (read, writeFlag, edtl) = (false, true, (uint)data.Length);
        }
        return new FuzzCommand(cdb, read, writeFlag, edtl, data);
    }

    private static bool IsRead(byte opcode) => opcode is 0x08 or 0x28 or 0xA8 or 0x88 or 0x2F or 0x8F or 0x34 or 0x90 or 0x35 or 0x91;

    private static uint Blocks(FuzzRandom r, FuzzTarget t) => r.Next(8) switch
    {
        0 => 0,
        1 => 1,
        2 => 0xFFFF,
        3 => 0xFFFFFFFF,
        4 => (uint)Math.Min(t.Blocks, 1 << 17),
        _ => (uint)r.Next(1, 256),
    };

    private static void SetRange(byte[] cdb, FuzzRandom r, FuzzTarget t, uint blocks)
    {
        var lba = r.Next(6) switch
        {
            0 => 0UL,
            1 => (ulong)t.Blocks - 1,
            2 => (ulong)t.Blocks,
            3 => ulong.MaxValue - (ulong)r.Next(256),
            4 => (ulong)r.Next((int)Math.Min(t.Blocks, int.MaxValue)),
            _ => r.NextUInt64(),
        };
        switch (cdb.Length)
        {
            case 6:
                cdb[1] = (byte)((cdb[1] & 0xE0) | (int)((lba >> 16) & 0x1F));
                cdb[2] = (byte)(lba >> 8);
                cdb[3] = (byte)lba;
                cdb[4] = (byte)blocks;
                break;
            case 10:
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), (uint)Math.Min(lba, uint.MaxValue));
                BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), (ushort)Math.Min(blocks, ushort.MaxValue));
                break;
            case 12:
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), (uint)Math.Min(lba, uint.MaxValue));
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), blocks);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
                if (cdb[0] == 0x89) cdb[13] = (byte)blocks;
                else BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
                break;
        }
    }

    private static byte[] DataFor(byte[] cdb, FuzzRandom r, FuzzTarget t, uint edtl)
    {
        var size = r.Next(4) switch
        {
            0 => 0,
            1 => r.Next(1, 600),
            _ => (int)Math.Min(edtl, 65536u),
        };
        return Sanitize(r.Bytes(size));
    }

    /// <summary>
    /// Data bytes that can never be read as the start of a SCSI Command PDU (no byte whose opcode
    /// bits are 0x01): when a case makes the target lose PDU boundaries, data it then takes for a
    /// header cannot become a write outside the scratch range.
    /// </summary>
    public static byte[] Sanitize(byte[] data)
    {
        for (var i = 0; i < data.Length; i++)
            if ((data[i] & 0x3F) == 0x01) data[i] ^= 0x02;
        return data;
    }
}
