using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// Thin provisioning: UNMAP (SBC-4 5.30), WRITE SAME 10/16 with the UNMAP bit (5.47-5.48), GET
/// LBA STATUS (5.7), and the Block Limits (B0h) and Logical Block Provisioning (B2h) VPD pages
/// that advertise them. Unmapped ranges become holes in the image file.
/// </summary>
internal static class Provisioning
{
    public const uint MaxUnmapBlocks = 0x100000;
    public const uint MaxUnmapDescriptors = 256;
    public const uint MaxWriteSameBlocks = 0x400000;

    private const byte UnmapBit = 0x08;        // WRITE SAME byte 1 bit 3
    private const byte NdobBit = 0x01;         // WRITE SAME(16) byte 1 bit 0: no data-out buffer
    private const byte AnchorBit = 0x10;       // WRITE SAME byte 1 bit 4
    private const byte UnmapAnchorBit = 0x01;  // UNMAP byte 1 bit 0
    private const int UnmapHeaderLength = 8;
    private const int UnmapDescriptorLength = 16;
    private const int LbaStatusDescriptorLength = 16;

    public static void Register(DiskLogicalUnit unit)
    {
        unit.Register(OperationCode.Unmap, "UNMAP", BlockShapes.Unmap, (c, ct) => UnmapAsync(unit, c, ct));
        unit.Register(OperationCode.WriteSame10, "WRITE SAME(10)", BlockShapes.WriteSame10, (c, ct) => WriteSameAsync(unit, c, ct));
        unit.Register(OperationCode.WriteSame16, "WRITE SAME(16)", BlockShapes.WriteSame16, (c, ct) => WriteSameAsync(unit, c, ct));
    }

    private static async ValueTask<ScsiResult> UnmapAsync(DiskLogicalUnit unit, ScsiCommand c, CancellationToken ct)
    {
        var cdb = c.Cdb.Span;
        if ((cdb[1] & UnmapAnchorBit) != 0) return ScsiResult.InvalidField(1, 0);
        if (unit.Store.IsReadOnly) return ScsiResult.Check(SenseReason.WriteProtected);
        var listLength = BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]);
        if (listLength == 0) return ScsiResult.Good();
        if (listLength < UnmapHeaderLength || c.DataOut.Length < listLength) return ScsiResult.Check(SenseReason.ParameterListLengthError);

        var list = c.DataOut.Span[..listLength];
        var descriptorBytes = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(list[2..]), listLength - UnmapHeaderLength);
        var count = descriptorBytes / UnmapDescriptorLength;
        if (count > MaxUnmapDescriptors) return ScsiResult.InvalidParameter(2);
        var ranges = new (ulong Lba, uint Blocks)[count];
        for (var i = 0; i < count; i++)
        {
            var d = list[(UnmapHeaderLength + i * UnmapDescriptorLength)..];
            var range = (Lba: BinaryPrimitives.ReadUInt64BigEndian(d), Blocks: BinaryPrimitives.ReadUInt32BigEndian(d[8..]));
            if (range.Blocks > MaxUnmapBlocks) return ScsiResult.InvalidParameter(UnmapHeaderLength + i * UnmapDescriptorLength + 8);
            if (!new BlockCdb(range.Lba, range.Blocks, false, 0, 0).FitsIn(unit.Store.BlockCount)) return ScsiResult.Check(SenseReason.LbaOutOfRange);
            ranges[i] = range;
        }
        foreach (var (lba, blocks) in ranges)
        {
            using (await unit.Ranges.AcquireAsync(lba, blocks, exclusive: true, ct).ConfigureAwait(false))
                await unit.Store.UnmapAsync(lba, blocks, ct).ConfigureAwait(false);
        }
        return ScsiResult.Good();
    }

    private static async ValueTask<ScsiResult> WriteSameAsync(DiskLogicalUnit unit, ScsiCommand c, CancellationToken ct)
    {
        var cdb = c.Cdb.Span;
        var is16 = cdb[0] == OperationCode.WriteSame16;
        var range = is16
            ? new BlockCdb(BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]), false, 2, 10)
            : new BlockCdb(BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]), false, 2, 7);
        if ((cdb[1] & AnchorBit) != 0) return ScsiResult.InvalidField(1, 4);
        var noDataOut = is16 && (cdb[1] & NdobBit) != 0;
        if (range.Blocks == 0 || range.Blocks > MaxWriteSameBlocks) return ScsiResult.InvalidField(range.LengthOffset); // WSNZ is set in B0h
        if (!range.FitsIn(unit.Store.BlockCount)) return ScsiResult.Check(SenseReason.LbaOutOfRange);
        if (unit.Store.IsReadOnly) return ScsiResult.Check(SenseReason.WriteProtected);
        var blockSize = unit.Store.BlockSize;
        if (!noDataOut && c.DataOut.Length != blockSize) return ScsiResult.Check(SenseReason.ParameterListLengthError);

        var block = noDataOut ? new byte[blockSize] : c.DataOut[..blockSize].ToArray();
        var unmap = (cdb[1] & UnmapBit) != 0;
        using var held = await unit.Ranges.AcquireAsync(range.Lba, range.Blocks, exclusive: true, ct).ConfigureAwait(false);
        if (unmap && unit.Store.IsThin && !block.AsSpan().ContainsAnyExcept((byte)0))
        {
            await unit.Store.UnmapAsync(range.Lba, range.Blocks, ct).ConfigureAwait(false);
            return ScsiResult.Good();
        }
        var chunkBlocks = (int)Math.Min(range.Blocks, (1 << 20) / blockSize);
        var chunk = new byte[chunkBlocks * blockSize];
        for (var i = 0; i < chunkBlocks; i++) block.CopyTo(chunk, i * blockSize);
        for (ulong done = 0; done < range.Blocks; done += (ulong)chunkBlocks)
        {
            var blocks = (int)Math.Min((ulong)chunkBlocks, range.Blocks - done);
            await unit.Store.WriteAsync(range.Lba + done, chunk.AsMemory(0, blocks * blockSize), false, ct).ConfigureAwait(false);
        }
        return ScsiResult.Good();
    }

    /// <summary>GET LBA STATUS: mapped/deallocated extents from the starting LBA, as many as fit.</summary>
    public static ScsiResult GetLbaStatus(DiskLogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var lba = BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]);
        var allocation = BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]);
        if (lba >= unit.Store.BlockCount) return ScsiResult.Check(SenseReason.LbaOutOfRange);
        var max = (int)Math.Clamp((allocation - Math.Min(allocation, 8u)) / LbaStatusDescriptorLength, 1, 64);
        var descriptors = new List<(ulong Lba, uint Blocks, bool Mapped)>();
        while (descriptors.Count < max && lba < unit.Store.BlockCount)
        {
            var (mapped, blocks) = unit.Store.GetMapping(lba);
            blocks = Math.Min(Math.Min(blocks, unit.Store.BlockCount - lba), uint.MaxValue);
            descriptors.Add((lba, (uint)blocks, mapped));
            lba += blocks;
        }
        var d = new byte[8 + LbaStatusDescriptorLength * descriptors.Count];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)(d.Length - 4));
        for (var i = 0; i < descriptors.Count; i++)
        {
            var o = d.AsSpan(8 + i * LbaStatusDescriptorLength);
            BinaryPrimitives.WriteUInt64BigEndian(o, descriptors[i].Lba);
            BinaryPrimitives.WriteUInt32BigEndian(o[8..], descriptors[i].Blocks);
            o[12] = descriptors[i].Mapped ? (byte)0 : (byte)1; // PROVISIONING STATUS: mapped / deallocated
        }
        return LogicalUnit.Respond(c, d, allocation);
    }

    /// <summary>MAXIMUM TRANSFER LENGTH in blocks: the unit's maximum transfer length, which transports also enforce.</summary>
    public static uint MaxTransferBlocks(DiskLogicalUnit unit) => (uint)(unit.MaxTransferLength / unit.Store.BlockSize);

    /// <summary>Block Limits VPD page (SBC-4 6.6.4).</summary>
    public static byte[] BlockLimits(DiskLogicalUnit unit)
    {
        var p = new byte[0x3C];
        p[0] = 0x01; // WSNZ: a WRITE SAME of zero blocks is refused
        p[1] = Verify.MaxCompareAndWriteBlocks;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), MaxTransferBlocks(unit));
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), 128); // optimal transfer length
        if (unit.Store.IsThin)
        {
            BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), MaxUnmapBlocks);
            BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(20), MaxUnmapDescriptors);
            BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(24), 4096u / (uint)unit.Store.BlockSize); // optimal unmap granularity
        }
        BinaryPrimitives.WriteUInt64BigEndian(p.AsSpan(32), MaxWriteSameBlocks);
        return Primary.Inquiry.Vpd(unit, 0xB0, p);
    }

    /// <summary>
    /// Block Device Characteristics VPD page (SBC-4 6.6.2): a virtual disk has no rotation
    /// (MEDIUM ROTATION RATE 0001h, so initiators skip seek-avoiding heuristics) and no form factor.
    /// </summary>
    public static byte[] BlockDeviceCharacteristics(DiskLogicalUnit unit)
    {
        var p = new byte[0x3C];
        BinaryPrimitives.WriteUInt16BigEndian(p, 0x0001);
        return Primary.Inquiry.Vpd(unit, 0xB1, p);
    }

    /// <summary>Logical Block Provisioning VPD page (SBC-4 6.6.6).</summary>
    public static byte[] LogicalBlockProvisioning(DiskLogicalUnit unit)
    {
        var p = new byte[4];
        if (unit.Store.IsThin)
        {
            p[1] = 0x80 | 0x40 | 0x20 | 0x04; // LBPU, LBPWS, LBPWS10, LBPRZ 001b
            p[2] = 0x02;                      // PROVISIONING TYPE: thin
        }
        return Primary.Inquiry.Vpd(unit, 0xB2, p);
    }
}
