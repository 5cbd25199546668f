using System.Buffers.Binary;
using System.Text;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>INQUIRY (SPC-5 6.7): standard data and the VPD pages 00h, 80h and 83h, plus the unit's own pages.</summary>
internal static class Inquiry
{
    private const byte EvpdBit = 0x01;             // byte 1 bit 0
    private const int PageCodeOffset = 2;
    private const int AllocationOffset = 3;        // bytes 3-4
    private const byte Spc4Version = 0x06;         // VERSION: SPC-4 (SPC-5 claims 07h, which initiators' checks still reject)
    private const byte ResponseFormat2 = 0x02;     // RESPONSE DATA FORMAT
    private const byte HiSup = 0x10;               // hierarchical LUN addressing supported
    private const byte CmdQue = 0x02;              // command queuing supported (byte 7)
    private const byte Rmb = 0x80;                 // removable medium (byte 1)
    private const int StandardLength = 74;          // through the version descriptors (bytes 58-73)

    public const byte SupportedPages = 0x00;
    public const byte UnitSerialNumber = 0x80;
    public const byte DeviceIdentification = 0x83;

    public static ScsiResult Execute(LogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var allocation = PrimaryCommands.AllocationLength16(cdb, AllocationOffset);
        var page = cdb[PageCodeOffset];
        if ((cdb[1] & EvpdBit) == 0)
            return page != 0 ? ScsiResult.InvalidField(PageCodeOffset) : LogicalUnit.Respond(c, Standard(unit), allocation);
        var data = page switch
        {
            SupportedPages => Vpd(unit, page, [SupportedPages, UnitSerialNumber, DeviceIdentification, .. unit.ExtraVpdPages.Keys.Order()]),
            UnitSerialNumber => Vpd(unit, page, Encoding.ASCII.GetBytes(unit.Identity.Serial)),
            DeviceIdentification => Vpd(unit, page, Designators(unit.Identity)),
            _ when unit.ExtraVpdPages.TryGetValue(page, out var build) => build(),
            _ => null,
        };
        return data is null ? ScsiResult.InvalidField(PageCodeOffset) : LogicalUnit.Respond(c, data, allocation);
    }

    private static byte[] Standard(LogicalUnit unit)
    {
        var d = new byte[StandardLength];
        d[0] = unit.DeviceType;                       // peripheral qualifier 000b: connected
        d[1] = unit.Removable ? Rmb : (byte)0;
        d[2] = Spc4Version;
        d[3] = (byte)(HiSup | ResponseFormat2);
        d[4] = StandardLength - 5;                    // ADDITIONAL LENGTH
        d[7] = CmdQue;
        Ascii(d.AsSpan(8, 8), unit.Identity.Vendor);
        Ascii(d.AsSpan(16, 16), unit.Identity.Product);
        Ascii(d.AsSpan(32, 4), unit.Identity.Revision);
        // VERSION DESCRIPTORS (SPC-4 table 146): SAM-5, SPC-4, and the command set of the device type.
        ushort[] versions = unit.DeviceType == 0x00 ? [0x00A0, 0x0460, 0x04C0] : [0x00A0, 0x0460];
        for (var i = 0; i < versions.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(58 + 2 * i), versions[i]);
        return d;
    }

    /// <summary>A VPD page: device type, page code, 16-bit page length, payload.</summary>
    public static byte[] Vpd(LogicalUnit unit, byte page, ReadOnlySpan<byte> payload)
    {
        var d = new byte[4 + payload.Length];
        d[0] = unit.DeviceType;
        d[1] = page;
        d[2] = (byte)(payload.Length >> 8);
        d[3] = (byte)payload.Length;
        payload.CopyTo(d.AsSpan(4));
        return d;
    }

    /// <summary>
    /// One NAA IEEE Registered Extended designator (NAA 6, SPC-5 7.7.6.6.6) for the logical unit:
    /// the locally administered company id 0xACDE48 followed by 100 bits taken from the unit's Guid.
    /// </summary>
    public static byte[] Designators(LogicalUnitIdentity identity)
    {
        const byte CodeSetBinary = 0x01;
        const byte AssociationLogicalUnitNaa = 0x03;     // ASSOCIATION 00b (LU), DESIGNATOR TYPE 3h (NAA)
        var naa = new byte[16];
        var id = identity.Id.ToByteArray();
        naa[0] = 0x6A; naa[1] = 0xCD; naa[2] = 0xE4; naa[3] = 0x80; // 6h | company id ACDE48h, then vendor-specific bits
        naa[3] |= (byte)(id[0] & 0x0F);
        id.AsSpan(1, 12).CopyTo(naa.AsSpan(4));
        return [CodeSetBinary, AssociationLogicalUnitNaa, 0, (byte)naa.Length, .. naa];
    }

    private static void Ascii(Span<byte> field, string text)
    {
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, field.Length)), field);
    }
}
