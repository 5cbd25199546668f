using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Block;

/// <summary>
/// MODE SENSE and MODE SELECT 6/10 (SPC-5 6.13-6.16) with the Caching mode page (SBC-4 6.5.5;
/// WCE is changeable: with it off every write is forced to the medium) and the Control mode page
/// (SPC-5 7.5.8, fixed). Saved parameters are not supported.
/// </summary>
internal static class ModePages
{
    public const byte CachingPage = 0x08;
    public const byte ControlPage = 0x0A;
    private const byte AllPages = 0x3F;
    private const byte DbdBit = 0x08;           // byte 1 bit 3: disable block descriptors
    private const byte LlbaaBit = 0x10;         // MODE SENSE(10) byte 1 bit 4: long LBA descriptors
    private const byte SpBit = 0x01;            // MODE SELECT byte 1 bit 0: save pages
    private const byte WceBit = 0x04;           // caching page byte 2 bit 2
    private const byte WriteProtectBit = 0x80;  // device-specific parameter: WP
    private const byte DpoFuaBit = 0x10;        // device-specific parameter: DPOFUA
    private const int CachingLength = 20;
    private const int ControlLength = 12;

    private enum Control { Current = 0, Changeable = 1, Default = 2, Saved = 3 }

    public static void Register(DiskLogicalUnit unit)
    {
        unit.Register(OperationCode.ModeSense6, "MODE SENSE(6)", BlockShapes.ModeSense6, (c, _) => ValueTask.FromResult(Sense(unit, c, ten: false)));
        unit.Register(OperationCode.ModeSense10, "MODE SENSE(10)", BlockShapes.ModeSense10, (c, _) => ValueTask.FromResult(Sense(unit, c, ten: true)));
        unit.Register(OperationCode.ModeSelect6, "MODE SELECT(6)", BlockShapes.ModeSelect6, (c, _) => ValueTask.FromResult(Select(unit, c, ten: false)));
        unit.Register(OperationCode.ModeSelect10, "MODE SELECT(10)", BlockShapes.ModeSelect10, (c, _) => ValueTask.FromResult(Select(unit, c, ten: true)));
    }

    private static ScsiResult Sense(DiskLogicalUnit unit, ScsiCommand c, bool ten)
    {
        var cdb = c.Cdb.Span;
        var control = (Control)(cdb[2] >> 6);
        var page = (byte)(cdb[2] & 0x3F);
        if (control == Control.Saved) return ScsiResult.Check(SenseReason.SavingParametersNotSupported);
        if (cdb[3] != 0 && !(page == AllPages && cdb[3] == 0xFF)) return ScsiResult.InvalidField(3);
        var pages = new List<byte>();
        if (page is CachingPage or AllPages) pages.AddRange(Caching(unit, control));
        if (page is ControlPage or AllPages) pages.AddRange(ControlModePage(control));
        if (pages.Count == 0) return ScsiResult.InvalidField(2, 5);

        var longLba = ten && (cdb[1] & LlbaaBit) != 0;
        var descriptor = (cdb[1] & DbdBit) != 0 ? [] : BlockDescriptor(unit, longLba);
        var headerLength = ten ? 8 : 4;
        var d = new byte[headerLength + descriptor.Length + pages.Count];
        var deviceSpecific = (byte)((unit.Store.IsReadOnly ? WriteProtectBit : 0) | DpoFuaBit);
        if (ten)
        {
            BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)(d.Length - 2));
            d[3] = deviceSpecific;
            d[4] = (byte)(longLba ? 1 : 0);
            BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(6), (ushort)descriptor.Length);
        }
        else
        {
            d[0] = (byte)(d.Length - 1);
            d[2] = deviceSpecific;
            d[3] = (byte)descriptor.Length;
        }
        descriptor.CopyTo(d, headerLength);
        pages.CopyTo(d, headerLength + descriptor.Length);
        var allocation = ten ? BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]) : cdb[4];
        return LogicalUnit.Respond(c, d, allocation);
    }

    private static ScsiResult Select(DiskLogicalUnit unit, ScsiCommand c, bool ten)
    {
        var cdb = c.Cdb.Span;
        if ((cdb[1] & SpBit) != 0) return ScsiResult.InvalidField(1, 0);
        int length = ten ? BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]) : cdb[4];
        if (length == 0) return ScsiResult.Good();
        var headerLength = ten ? 8 : 4;
        if (length < headerLength || c.DataOut.Length < length) return ScsiResult.Check(SenseReason.ParameterListLengthError);
        var list = c.DataOut.Span[..length];
        int descriptorLength = ten ? BinaryPrimitives.ReadUInt16BigEndian(list[6..]) : list[3];
        var offset = headerLength + descriptorLength;
        if (offset > length) return ScsiResult.Check(SenseReason.ParameterListLengthError);
        var wce = unit.WriteCacheEnabled;
        while (offset < length)
        {
            if (offset + 2 > length) return ScsiResult.Check(SenseReason.ParameterListLengthError);
            var page = (byte)(list[offset] & 0x3F);
            var pageLength = list[offset + 1] + 2;
            if (offset + pageLength > length) return ScsiResult.Check(SenseReason.ParameterListLengthError);
            var current = page switch
            {
                CachingPage => Caching(unit, Control.Current),
                ControlPage => ControlModePage(Control.Current),
                _ => null,
            };
            if (current is null || current.Length != pageLength) return ScsiResult.InvalidParameter(offset);
            var changeable = page == CachingPage ? Caching(unit, Control.Changeable) : ControlModePage(Control.Changeable);
            for (var i = 2; i < pageLength; i++)
            {
                if (((list[offset + i] ^ current[i]) & ~changeable[i]) != 0) return ScsiResult.InvalidParameter(offset + i);
            }
            if (page == CachingPage) wce = (list[offset + 2] & WceBit) != 0;
            offset += pageLength;
        }
        if (wce != unit.WriteCacheEnabled)
        {
            unit.WriteCacheEnabled = wce;
            unit.Attentions.Raise(SenseReason.ModeParametersChanged, except: c.Nexus);
        }
        return ScsiResult.Good();
    }

    private static byte[] Caching(DiskLogicalUnit unit, Control control)
    {
        var p = new byte[CachingLength];
        p[0] = CachingPage;
        p[1] = CachingLength - 2;
        p[2] = control switch
        {
            Control.Changeable => WceBit,
            Control.Default => WceBit,
            _ => unit.WriteCacheEnabled ? WceBit : (byte)0,
        };
        return p;
    }

    private static byte[] ControlModePage(Control control)
    {
        var p = new byte[ControlLength];
        p[0] = ControlPage;
        p[1] = ControlLength - 2;
        if (control != Control.Changeable)
            p[3] = 0x10; // QUEUE ALGORITHM MODIFIER 1h: unrestricted reordering of SIMPLE tasks
        return p;
    }

    private static byte[] BlockDescriptor(DiskLogicalUnit unit, bool longLba)
    {
        var blocks = unit.Store.BlockCount;
        if (longLba)
        {
            var l = new byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(l, blocks);
            BinaryPrimitives.WriteUInt32BigEndian(l.AsSpan(12), (uint)unit.Store.BlockSize);
            return l;
        }
        var d = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(d, blocks > uint.MaxValue ? uint.MaxValue : (uint)blocks);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), (uint)unit.Store.BlockSize); // byte 4 reserved, 5-7 length
        return d;
    }
}
