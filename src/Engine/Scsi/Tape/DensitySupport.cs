using System.Buffers.Binary;
using System.Text;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Scsi.Tape;

/// <summary>
/// REPORT DENSITY SUPPORT (SSC-4 6.21): the one density this drive writes, a vendor-unique code for
/// the SIMH tape image, as a density support descriptor (SSC-4 6.21.3) or, with MEDIUM TYPE, a
/// medium type descriptor (6.21.4). With MEDIA the report is of the loaded cartridge (its capacity,
/// whether it may be written); without a cartridge that is NOT READY.
/// </summary>
internal static class DensitySupport
{
    /// <summary>Density codes 80h-FFh are vendor unique (SSC-4 table 5); this one means "SIMH tape image".</summary>
    public const byte DensityCode = 0x80;

    private const int MediaBit = 0x01;                 // byte 1 bit 0
    private const int MediumTypeBit = 0x02;            // byte 1 bit 1
    private const int AllocationOffset = 7;            // bytes 7-8
    private const int DescriptorLength = 52;
    private const byte WriteOk = 0x80, Default = 0x20, DescriptorLengthValid = 0x01;

    public static ScsiResult Report(ScsiCommand c, TapeImage? cartridge)
    {
        var cdb = c.Cdb.Span;
        var media = (cdb[1] & MediaBit) != 0;
        if (media && cartridge is null) return ScsiResult.Check(SenseReason.MediumNotPresent);
        var descriptor = (cdb[1] & MediumTypeBit) != 0 ? MediumType() : Density(media ? cartridge : null);
        var d = new byte[4 + descriptor.Length];
        BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)(d.Length - 2));
        descriptor.CopyTo(d, 4);
        return LogicalUnit.Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(cdb[AllocationOffset..]));
    }

    /// <summary>A density support data block descriptor: codes, flags, tracks, capacity in 10^6 bytes, names.</summary>
    private static byte[] Density(TapeImage? cartridge)
    {
        var d = new byte[DescriptorLength];
        d[0] = DensityCode;                                            // primary density code
        d[1] = DensityCode;                                            // secondary density code
        d[2] = (byte)((cartridge?.IsReadOnly == true ? 0 : WriteOk) | Default | DescriptorLengthValid);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(10), 1);       // tracks
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(12), (uint)Math.Min(uint.MaxValue, (cartridge?.Capacity ?? 0) / 1_000_000));
        Ascii(d.AsSpan(16, 8), "VSCSI");                               // assigning organization
        Ascii(d.AsSpan(24, 8), "SIMHTAPE");                            // density name
        Ascii(d.AsSpan(32, 20), "SIMH tape image");                    // description
        return d;
    }

    /// <summary>A medium type descriptor: medium type 0 (a cartridge file), holding the one density.</summary>
    private static byte[] MediumType()
    {
        var d = new byte[4 + DescriptorLength];
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), DescriptorLength);
        d[4] = 1;                                                      // number of density codes
        d[5] = DensityCode;
        Ascii(d.AsSpan(20, 8), "VSCSI");
        Ascii(d.AsSpan(28, 8), "SIMHTAPE");
        Ascii(d.AsSpan(36, 20), "SIMH tape cartridge");
        return d;
    }

    private static void Ascii(Span<byte> field, string text)
    {
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, field.Length)), field);
    }
}
