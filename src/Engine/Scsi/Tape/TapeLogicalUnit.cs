using System.Buffers.Binary;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Scsi.Tape;

/// <summary>
/// A sequential-access device (SSC-4): the tape drive a virtual target device vttapeN presents,
/// over a <see cref="TapeImage"/> cartridge when one is loaded. Fixed and variable block modes
/// (the block length from MODE SELECT, 0 = variable), filemarks, spacing, locating, positions,
/// early warning and volume overflow, blank check at end of data, write protection. Tape
/// commands run one at a time, as on a real drive.
/// </summary>
public sealed class TapeLogicalUnit : LogicalUnit
{
    public const int MaxBlockLength = 0x00FF_FFFF;

    private readonly object _gate = new();
    private TapeImage? _cartridge;
    private bool _loaded;

    public TapeLogicalUnit(LogicalUnitIdentity identity, IPersistentReservationStore? reservations = null) : base(identity, reservations)
    {
        MaxTransferLength = MaxBlockLength + 1;   // one variable block of the largest length READ BLOCK LIMITS reports
        Register(0x00, "TEST UNIT READY", PrimaryCommands.TestUnitReady, (c, _) => Run(c, (_, _) => ScsiResult.Good()));
        Register(0x01, "REWIND", CdbShape.NoData(), (c, _) => Run(c, Rewind));
        Register(0x05, "READ BLOCK LIMITS", CdbShape.FixedIn(6), (c, _) => ValueTask.FromResult(ReadBlockLimits(c)));
        Register(0x08, "READ(6)", new CdbShape(DataDirection.In, TransferUnit.TapeBlocks, CommandTraits.None, 2, 3), (c, _) => Run(c, Read));
        Register(0x0A, "WRITE(6)", new CdbShape(DataDirection.Out, TransferUnit.TapeBlocks, CommandTraits.Writes, 2, 3), (c, _) => Run(c, Write));
        Register(0x10, "WRITE FILEMARKS(6)", CdbShape.NoData(CommandTraits.Writes), (c, _) => Run(c, WriteFilemarks));
        Register(0x11, "SPACE(6)", CdbShape.NoData(), (c, _) => Run(c, Space));
        Register(0x91, "SPACE(16)", CdbShape.NoData(), (c, _) => Run(c, Space));
        Register(0x19, "ERASE(6)", CdbShape.NoData(CommandTraits.Writes), (c, _) => Run(c, Erase));
        Register(0x1B, "LOAD UNLOAD", CdbShape.NoData(), (c, _) => ValueTask.FromResult(LoadUnload(c)));
        Register(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", CdbShape.NoData(), (c, _) => ValueTask.FromResult(PreventAllow(c)));
        Register(0x2B, "LOCATE(10)", CdbShape.NoData(), (c, _) => Run(c, Locate));
        Register(0x92, "LOCATE(16)", CdbShape.NoData(), (c, _) => Run(c, Locate));
        Register(0x34, "READ POSITION", CdbShape.FixedIn(32), (c, _) => Run(c, ReadPosition));
        Register(0x44, "REPORT DENSITY SUPPORT", CdbShape.AllocationIn(7, 2), (c, _) => ValueTask.FromResult(DensitySupport.Report(c, _loaded ? _cartridge : null)));
        Register(0x1A, "MODE SENSE(6)", CdbShape.AllocationIn(4, 1), (c, _) => ValueTask.FromResult(ModeSense(c)));
        Register(0x5A, "MODE SENSE(10)", CdbShape.AllocationIn(7, 2), (c, _) => ValueTask.FromResult(ModeSense(c)));
        Register(0x15, "MODE SELECT(6)", CdbShape.ParameterListOut(4, 1, CommandTraits.Writes), (c, _) => ValueTask.FromResult(ModeSelect(c)));
        Register(0x55, "MODE SELECT(10)", CdbShape.ParameterListOut(7, 2, CommandTraits.Writes), (c, _) => ValueTask.FromResult(ModeSelect(c)));
    }

    public override byte DeviceType => 0x01;

    public override bool Removable => true;

    /// <summary>The block length of fixed-block mode; 0 is variable-block mode (the default).</summary>
    public int BlockLength { get; private set; }

    /// <summary>PREVENT ALLOW MEDIUM REMOVAL: while set, the cartridge is not unloaded unless forced.</summary>
    public bool RemovalPrevented { get; private set; }

    public TapeImage? Cartridge => _cartridge;

    /// <summary>Loads a cartridge (VIOS loadopt for tape): the drive is ready at the beginning of tape; every nexus learns MEDIUM MAY HAVE CHANGED.</summary>
    public void Load(TapeImage cartridge)
    {
        lock (_gate)
        {
            _cartridge = cartridge;
            _loaded = true;
            cartridge.Rewind();
        }
        Attentions.Raise(SenseReason.MediumMayHaveChanged);
    }

    /// <summary>Takes the cartridge out; returns it (the caller closes it).</summary>
    public TapeImage? Unload()
    {
        TapeImage? cartridge;
        lock (_gate)
        {
            cartridge = _cartridge;
            _cartridge = null;
            _loaded = false;
            RemovalPrevented = false;
            cartridge?.Flush();
        }
        Attentions.Raise(SenseReason.MediumMayHaveChanged);
        return cartridge;
    }

    protected override int TransferBlockLength => BlockLength;

    /// <summary>
    /// PowerVM gives a tape drive to one client at a time: the first nexus to send it a command
    /// other than INQUIRY, REPORT LUNS, REQUEST SENSE or RELEASE holds it, as an implicit SPC-2
    /// reservation, until its session ends or it sends RELEASE; the others get RESERVATION CONFLICT.
    /// </summary>
    protected override ScsiResult? Screen(ScsiCommand command, CommandTraits traits) =>
        (traits & CommandTraits.PassesReservation) != 0 || Reservations.Claim(command.Nexus)
            ? null : new ScsiResult(ScsiStatus.ReservationConflict, SenseReason.None, 0);

    /// <summary>Runs a medium command under the drive's lock; no cartridge (or one unloaded by LOAD UNLOAD) is NOT READY.</summary>
    private ValueTask<ScsiResult> Run(ScsiCommand c, Func<ScsiCommand, TapeImage, ScsiResult> action)
    {
        lock (_gate)
        {
            if (_cartridge is not { } tape || !_loaded) return ValueTask.FromResult(ScsiResult.Check(SenseReason.MediumNotPresent));
            try
            {
                return ValueTask.FromResult(action(c, tape));
            }
            catch (UnauthorizedAccessException)
            {
                return ValueTask.FromResult(ScsiResult.Check(SenseReason.WriteProtected));
            }
        }
    }

    private static int Length24(ReadOnlySpan<byte> cdb) => (cdb[2] << 16) | (cdb[3] << 8) | cdb[4];

    private static ScsiResult ReadBlockLimits(ScsiCommand c)
    {
        Span<byte> d = stackalloc byte[6];
        d.Clear();
        d[1] = MaxBlockLength >> 16;
        d[2] = (MaxBlockLength >> 8) & 0xFF;
        d[3] = MaxBlockLength & 0xFF;
        d[5] = 1;                                   // minimum block length 1
        return Respond(c, d, 6);
    }

    /// <summary>READ(6) (SSC-4 7.2): variable mode reads one record of up to the transfer length; fixed mode reads that many blocks of the block length.</summary>
    private ScsiResult Read(ScsiCommand c, TapeImage tape)
    {
        var cdb = c.Cdb.Span;
        bool fixedMode = (cdb[1] & 0x01) != 0, sili = (cdb[1] & 0x02) != 0;
        if (fixedMode && sili) return ScsiResult.InvalidField(1, 1);
        if (fixedMode && BlockLength == 0) return ScsiResult.InvalidField(1, 0);
        var count = Length24(cdb);
        var bytes = fixedMode ? (long)count * BlockLength : count;
        if (bytes > c.DataIn.Length) return ScsiResult.InvalidField(2);
        if (count == 0) return ScsiResult.Good();
        var data = c.DataIn.Span;
        if (!fixedMode)
        {
            if (Stop(tape, count) is { } stop) return stop;
            var length = tape.ReadRecord(data[..count]);
            if (length == count || (length < count && sili)) return ScsiResult.Good(Math.Min(length, count));
            return ScsiResult.Sequential(SenseReason.IncorrectLength, ScsiResult.IncorrectLengthIndicator, count - length, Math.Min(length, count));
        }
        for (var i = 0; i < count; i++)
        {
            if (Stop(tape, count - i, i * BlockLength) is { } stop) return stop;
            var length = tape.ReadRecord(data.Slice(i * BlockLength, BlockLength));
            if (length != BlockLength)
                return ScsiResult.Sequential(SenseReason.IncorrectLength, ScsiResult.IncorrectLengthIndicator, count - i, (i + 1) * BlockLength);
        }
        return ScsiResult.Good((int)bytes);
    }

    /// <summary>A read meets end of data (BLANK CHECK) or a filemark (read past, FILEMARK), with the residue in INFORMATION.</summary>
    private static ScsiResult? Stop(TapeImage tape, long residue, int transferred = 0)
    {
        switch (tape.Next)
        {
            case null:
                return ScsiResult.Sequential(SenseReason.EndOfDataDetected, 0, residue, transferred);
            case -1:
                tape.Locate(tape.Position + 1);
                return ScsiResult.Sequential(SenseReason.FilemarkDetected, ScsiResult.Filemark, residue, transferred);
            default:
                return null;
        }
    }

    /// <summary>WRITE(6) (SSC-4 7.6): one record in variable mode, that many blocks in fixed mode; early warning and volume overflow reported with EOM.</summary>
    private ScsiResult Write(ScsiCommand c, TapeImage tape)
    {
        var cdb = c.Cdb.Span;
        var fixedMode = (cdb[1] & 0x01) != 0;
        if (fixedMode && BlockLength == 0) return ScsiResult.InvalidField(1, 0);
        var count = Length24(cdb);
        var size = fixedMode ? BlockLength : count;
        if ((long)count * (fixedMode ? BlockLength : 1) != c.DataOut.Length) return ScsiResult.InvalidField(2);
        if (count == 0) return ScsiResult.Good();
        var records = fixedMode ? count : 1;
        for (var i = 0; i < records; i++)
        {
            try
            {
                tape.WriteRecord(c.DataOut.Span.Slice(i * size, size));
            }
            catch (TapeFullException)
            {
                return ScsiResult.Sequential(SenseReason.VolumeOverflow, ScsiResult.EndOfMedium, fixedMode ? records - i : count);
            }
        }
        return EarlyWarning(tape);
    }

    private static ScsiResult EarlyWarning(TapeImage tape) =>
        tape.PastEarlyWarning ? ScsiResult.Sequential(SenseReason.EndOfMediumDetected, ScsiResult.EndOfMedium, 0) : ScsiResult.Good();

    private static ScsiResult WriteFilemarks(ScsiCommand c, TapeImage tape)
    {
        var count = Length24(c.Cdb.Span);
        try
        {
            tape.WriteFilemarks(count);
        }
        catch (TapeFullException)
        {
            return ScsiResult.Sequential(SenseReason.VolumeOverflow, ScsiResult.EndOfMedium, count);
        }
        tape.Flush();
        return EarlyWarning(tape);
    }

    /// <summary>SPACE(6)/(16) (SSC-4 7.8, 8.3): over blocks or filemarks, forward or back, or to end of data; an early stop leaves the residue in INFORMATION.</summary>
    private static ScsiResult Space(ScsiCommand c, TapeImage tape)
    {
        var cdb = c.Cdb.Span;
        var code = cdb[1] & 0x0F;
        long count = cdb[0] == 0x11
            ? ((Length24(cdb) ^ 0x80_0000) - 0x80_0000)                 // 24-bit two's complement
            : BinaryPrimitives.ReadInt64BigEndian(cdb[4..]);
        switch (code)
        {
            case 0:
            case 1:
                var filemarks = code == 1;
                for (long done = 0; done < Math.Abs(count); done++)
                {
                    if (count > 0)
                    {
                        if (tape.Next is not int next) return ScsiResult.Sequential(SenseReason.EndOfDataDetected, 0, count - done);
                        tape.Locate(tape.Position + 1);
                        if (next < 0 && !filemarks) return ScsiResult.Sequential(SenseReason.FilemarkDetected, ScsiResult.Filemark, count - done);
                        if (next >= 0 && filemarks) done--;           // blocks between filemarks do not count
                    }
                    else
                    {
                        if (tape.Position == 0) return ScsiResult.Sequential(SenseReason.BeginningOfMediumDetected, ScsiResult.EndOfMedium, -count - done);
                        tape.Locate(tape.Position - 1);
                        var isFilemark = tape.Next == -1;
                        if (isFilemark && !filemarks) return ScsiResult.Sequential(SenseReason.FilemarkDetected, ScsiResult.Filemark, -count - done);
                        if (!isFilemark && filemarks) done--;
                    }
                }
                return ScsiResult.Good();
            case 3:
                tape.Locate(tape.Count);
                return ScsiResult.Good();
            default:
                return ScsiResult.InvalidField(1, 3);
        }
    }

    private static ScsiResult Rewind(ScsiCommand c, TapeImage tape)
    {
        tape.Rewind();
        return ScsiResult.Good();
    }

    private static ScsiResult Erase(ScsiCommand c, TapeImage tape)
    {
        tape.Truncate();
        return ScsiResult.Good();
    }

    /// <summary>LOCATE(10)/(16): to a logical object identifier; past end of data stops there with BLANK CHECK.</summary>
    private static ScsiResult Locate(ScsiCommand c, TapeImage tape)
    {
        var cdb = c.Cdb.Span;
        var target = cdb[0] == 0x2B ? BinaryPrimitives.ReadUInt32BigEndian(cdb[3..]) : BinaryPrimitives.ReadUInt64BigEndian(cdb[4..]);
        if (target > (ulong)tape.Count)
        {
            tape.Locate(tape.Count);
            return ScsiResult.Check(SenseReason.EndOfDataDetected);
        }
        tape.Locate((int)target);
        return ScsiResult.Good();
    }

    /// <summary>READ POSITION (SSC-4 7.7): short form (service action 00h) and long form (06h).</summary>
    private static ScsiResult ReadPosition(ScsiCommand c, TapeImage tape)
    {
        var serviceAction = c.Cdb.Span[1] & 0x1F;
        var flags = (byte)((tape.Position == 0 ? 0x80 : 0) | (tape.PositionPastEarlyWarning ? 0x01 : 0));   // BOP, BPEW
        if (serviceAction == 0x00)
        {
            Span<byte> d = stackalloc byte[20];
            d.Clear();
            d[0] = flags;
            BinaryPrimitives.WriteUInt32BigEndian(d[4..], (uint)tape.Position);
            BinaryPrimitives.WriteUInt32BigEndian(d[8..], (uint)tape.Position);
            return Respond(c, d, c.DataIn.Length);
        }
        if (serviceAction == 0x06)
        {
            Span<byte> d = stackalloc byte[32];
            d.Clear();
            d[0] = flags;
            BinaryPrimitives.WriteUInt64BigEndian(d[8..], (ulong)tape.Position);
            BinaryPrimitives.WriteUInt64BigEndian(d[16..], (ulong)tape.FilemarksBefore(tape.Position));
            return Respond(c, d, c.DataIn.Length);
        }
        return ScsiResult.InvalidField(1, 4);
    }

    /// <summary>LOAD UNLOAD: unload rewinds and makes the drive not ready until a load; the cartridge stays in the drive (Dismount-VScsiMedia takes it out).</summary>
    private ScsiResult LoadUnload(ScsiCommand c)
    {
        lock (_gate)
        {
            if (_cartridge is null) return ScsiResult.Check(SenseReason.MediumNotPresent);
            var load = (c.Cdb.Span[4] & 0x01) != 0;
            if (!load && RemovalPrevented) return ScsiResult.InvalidField(4, 0);
            _cartridge.Rewind();
            if (!load) _cartridge.Flush();
            _loaded = load;
            return ScsiResult.Good();
        }
    }

    private ScsiResult PreventAllow(ScsiCommand c)
    {
        RemovalPrevented = (c.Cdb.Span[4] & 0x03) != 0;
        return ScsiResult.Good();
    }

    private const byte DeviceConfigurationPage = 0x10;
    private const byte DataCompressionPage = 0x0F;

    /// <summary>MODE SENSE(6)/(10): a header with write protect and buffered mode, a block descriptor with the block length, the device configuration and data compression pages.</summary>
    private ScsiResult ModeSense(ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var ten = cdb[0] == 0x5A;
        var page = cdb[2] & 0x3F;
        var changeable = (cdb[2] >> 6) == 1;
        if (page is not (DeviceConfigurationPage or DataCompressionPage or 0x3F or 0x00)) return ScsiResult.InvalidField(2, 5);
        var body = new List<byte>();
        // Block descriptor: density code 0 (default), number of blocks 0, block length.
        var blockLength = changeable ? MaxBlockLength : BlockLength;
        body.AddRange([0, 0, 0, 0, 0, (byte)(blockLength >> 16), (byte)(blockLength >> 8), (byte)blockLength]);
        if (page is DeviceConfigurationPage or 0x3F)
            body.AddRange([DeviceConfigurationPage, 0x0E, .. new byte[14]]);
        if (page is DataCompressionPage or 0x3F)
            body.AddRange([DataCompressionPage, 0x0E, changeable ? (byte)0 : (byte)0x40, .. new byte[13]]);   // DCC: compression capable, off
        var protectedMedium = _cartridge?.IsReadOnly == true;
        var deviceSpecific = (byte)((protectedMedium ? 0x80 : 0) | 0x10);   // WP, buffered mode 1
        var header = ten ? new byte[8] : new byte[4];
        var total = header.Length + body.Count;
        if (ten)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)(total - 2));
            header[3] = deviceSpecific;
            header[7] = 8;
        }
        else
        {
            header[0] = (byte)(total - 1);
            header[2] = deviceSpecific;
            header[3] = 8;
        }
        var allocation = ten ? BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]) : cdb[4];
        return Respond(c, [.. header, .. body], allocation);
    }

    /// <summary>MODE SELECT(6)/(10): the block descriptor's block length sets fixed (1..16 MiB) or variable (0) block mode.</summary>
    private ScsiResult ModeSelect(ScsiCommand c)
    {
        var ten = c.Cdb.Span[0] == 0x55;
        var data = c.DataOut.Span;
        var headerLength = ten ? 8 : 4;
        if (data.Length < headerLength) return data.Length == 0 ? ScsiResult.Good() : ScsiResult.Check(SenseReason.ParameterListLengthError);
        var descriptorLength = ten ? BinaryPrimitives.ReadUInt16BigEndian(data[6..]) : data[3];
        if (descriptorLength == 0) return ScsiResult.Good();
        if (descriptorLength != 8 || data.Length < headerLength + 8) return ScsiResult.InvalidParameter(ten ? 6 : 3);
        var d = data.Slice(headerLength, 8);
        var length = (d[5] << 16) | (d[6] << 8) | d[7];
        if (length > MaxBlockLength) return ScsiResult.InvalidParameter(headerLength + 5);
        BlockLength = length;
        return ScsiResult.Good();
    }
}
