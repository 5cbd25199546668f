using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Optical;

/// <summary>Media in a virtual optical drive: an ISO image (DVD-ROM, read-only) or a rewritable DVD-RAM image, in 2048-byte sectors.</summary>
public sealed class OpticalMedia : IDisposable
{
    public const int SectorSize = 2048;

    private readonly SafeFileHandle _handle;

    private OpticalMedia(SafeFileHandle handle, string path, bool rewritable)
    {
        _handle = handle;
        Path = path;
        Rewritable = rewritable;
        Sectors = RandomAccess.GetLength(handle) / SectorSize;
    }

    public static OpticalMedia Open(string path, bool rewritable) =>
        new(File.OpenHandle(path, FileMode.Open, rewritable ? FileAccess.ReadWrite : FileAccess.Read, rewritable ? FileShare.Read : FileShare.ReadWrite), path, rewritable);

    public string Path { get; }
    public bool Rewritable { get; }
    public long Sectors { get; }

    public void Read(long sector, Span<byte> destination) => RandomAccess.Read(_handle, destination, sector * SectorSize);

    public void Write(long sector, ReadOnlySpan<byte> source) => RandomAccess.Write(_handle, source, sector * SectorSize);

    public void Dispose() => _handle.Dispose();
}

/// <summary>
/// A CD/DVD drive (MMC-6), the vtoptN a virtual target device presents: empty (NOT READY, MEDIUM
/// NOT PRESENT) or loaded with DVD-ROM media (an ISO) or DVD-RAM media (rewritable), with the
/// commands a Linux sr or Windows cdrom driver issues to find and read a disc.
/// </summary>
public sealed class OpticalLogicalUnit : LogicalUnit
{
    private const ushort ProfileDvdRom = 0x0010;
    private const ushort ProfileDvdRam = 0x0012;

    private readonly object _gate = new();
    private OpticalMedia? _media;
    private bool _mediaEvent;

    public OpticalLogicalUnit(LogicalUnitIdentity identity, IPersistentReservationStore? reservations = null) : base(identity, reservations)
    {
        Register(0x00, "TEST UNIT READY", PrimaryCommands.TestUnitReady, (c, _) => Run(c, (_, _) => ScsiResult.Good()));
        Register(0x25, "READ CAPACITY(10)", CdbShape.FixedIn(8, CommandTraits.PassesPersistentReservation), (c, _) => Run(c, ReadCapacity));
        Register(0x28, "READ(10)", CdbShape.Blocks(DataDirection.In, TransferUnit.Blocks, 2, 4, 7, 2), (c, _) => Run(c, ReadWrite));
        Register(0xA8, "READ(12)", CdbShape.Blocks(DataDirection.In, TransferUnit.Blocks, 2, 4, 6, 4), (c, _) => Run(c, ReadWrite));
        Register(0x2A, "WRITE(10)", CdbShape.Blocks(DataDirection.Out, TransferUnit.Blocks, 2, 4, 7, 2, CommandTraits.Writes), (c, _) => Run(c, ReadWrite));
        Register(0x1B, "START STOP UNIT", CdbShape.NoData(), (c, _) => ValueTask.FromResult(StartStop(c)));
        Register(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", CdbShape.NoData(), (c, _) => ValueTask.FromResult(PreventAllow(c)));
        // MMC-6 4.1.6.1: GET CONFIGURATION and GET EVENT STATUS NOTIFICATION are answered while a unit attention is pending.
        Register(0x46, "GET CONFIGURATION", CdbShape.AllocationIn(7, 2, CommandTraits.BypassesAttention), (c, _) => ValueTask.FromResult(GetConfiguration(c)));
        Register(0x4A, "GET EVENT STATUS NOTIFICATION", CdbShape.AllocationIn(7, 2, CommandTraits.BypassesAttention), (c, _) => ValueTask.FromResult(EventStatus(c)));
        Register(0xBD, "MECHANISM STATUS", CdbShape.AllocationIn(8, 2), (c, _) => ValueTask.FromResult(MechanismStatus(c)));
        Register(0x43, "READ TOC/PMA/ATIP", CdbShape.AllocationIn(7, 2), (c, _) => Run(c, ReadToc));
        Register(0x51, "READ DISC INFORMATION", CdbShape.AllocationIn(7, 2), (c, _) => Run(c, DiscInformation));
        Register(0x52, "READ TRACK INFORMATION", CdbShape.AllocationIn(7, 2), (c, _) => Run(c, TrackInformation));
        Register(0x5A, "MODE SENSE(10)", CdbShape.AllocationIn(7, 2), (c, _) => ValueTask.FromResult(ModeSense(c)));
    }

    public override byte DeviceType => 0x05;

    public override bool Removable => true;

    public OpticalMedia? Media => _media;

    /// <summary>Called after a client ejected the media with START STOP UNIT, so the owner can forget the load.</summary>
    public Action? Ejected { get; set; }

    /// <summary>PREVENT ALLOW MEDIUM REMOVAL: while set, ejecting is refused (Dismount-VScsiMedia needs -Force).</summary>
    public bool RemovalPrevented { get; private set; }

    protected override int TransferBlockLength => OpticalMedia.SectorSize;

    /// <summary>Loads media (VIOS loadopt): every nexus learns NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED.</summary>
    public void Load(OpticalMedia media)
    {
        lock (_gate)
        {
            _media = media;
            _mediaEvent = true;
        }
        Attentions.Raise(SenseReason.MediumMayHaveChanged);
    }

    /// <summary>Ejects the media and returns it (the caller closes it).</summary>
    public OpticalMedia? Unload()
    {
        OpticalMedia? media;
        lock (_gate)
        {
            media = _media;
            _media = null;
            _mediaEvent = true;
            RemovalPrevented = false;
        }
        Attentions.Raise(SenseReason.MediumMayHaveChanged);
        return media;
    }

    private ValueTask<ScsiResult> Run(ScsiCommand c, Func<ScsiCommand, OpticalMedia, ScsiResult> action)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_media is { } media ? action(c, media) : ScsiResult.Check(SenseReason.MediumNotPresent));
        }
    }

    private static ScsiResult ReadCapacity(ScsiCommand c, OpticalMedia media)
    {
        Span<byte> d = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)Math.Max(0, media.Sectors - 1));
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], OpticalMedia.SectorSize);
        return Respond(c, d, 8);
    }

    /// <summary>READ(10)/(12) and, on DVD-RAM media, WRITE(10): whole 2048-byte sectors.</summary>
    private static ScsiResult ReadWrite(ScsiCommand c, OpticalMedia media)
    {
        var cdb = c.Cdb.Span;
        var lba = BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]);
        var (count, lengthOffset) = cdb[0] == 0xA8 ? (BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]), 6) : (BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]), 7);
        if (lba + (long)count > media.Sectors) return ScsiResult.Check(SenseReason.LbaOutOfRange);
        var bytes = (long)count * OpticalMedia.SectorSize;
        if (cdb[0] == 0x2A)
        {
            if (!media.Rewritable) return ScsiResult.Check(SenseReason.WriteProtected);
            if (bytes != c.DataOut.Length) return ScsiResult.InvalidField(lengthOffset);
            media.Write(lba, c.DataOut.Span);
            return ScsiResult.Good();
        }
        if (bytes > c.DataIn.Length) return ScsiResult.InvalidField(lengthOffset);
        media.Read(lba, c.DataIn.Span[..(int)bytes]);
        return ScsiResult.Good((int)bytes);
    }

    /// <summary>START STOP UNIT with LoEj: eject (unless removal is prevented) or load; without LoEj it is accepted as is.</summary>
    private ScsiResult StartStop(ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        bool loadEject = (cdb[4] & 0x02) != 0, start = (cdb[4] & 0x01) != 0;
        if (!loadEject || start) return ScsiResult.Good();
        if (RemovalPrevented) return ScsiResult.Check(SenseReason.MediumRemovalPrevented);
        if (Unload() is not { } media) return ScsiResult.Good();
        media.Dispose();
        Ejected?.Invoke();
        return ScsiResult.Good();
    }

    private ScsiResult PreventAllow(ScsiCommand c)
    {
        RemovalPrevented = (c.Cdb.Span[4] & 0x01) != 0;
        return ScsiResult.Good();
    }

    /// <summary>GET CONFIGURATION (MMC-6 6.6): the current profile, then the Profile List, Core, Morphing, Removable Medium and Random Readable features.</summary>
    private ScsiResult GetConfiguration(ScsiCommand c)
    {
        var media = _media;
        var current = media is null ? (ushort)0 : media.Rewritable ? ProfileDvdRam : ProfileDvdRom;
        var features = new List<byte>();
        // Profile List (0000h): DVD-RAM and DVD-ROM, the loaded one current.
        features.AddRange([0x00, 0x00, 0x03, 8, (byte)(ProfileDvdRam >> 8), (byte)ProfileDvdRam, current == ProfileDvdRam ? (byte)1 : (byte)0, 0,
            (byte)(ProfileDvdRom >> 8), (byte)ProfileDvdRom, current == ProfileDvdRom ? (byte)1 : (byte)0, 0]);
        features.AddRange([0x00, 0x01, 0x0B, 8, 0, 0, 0, 0x08, 0x01, 0, 0, 0]);                  // Core: SCSI interface, DBE
        features.AddRange([0x00, 0x02, 0x07, 4, 0x02, 0, 0, 0]);                                   // Morphing: OCEvent
        features.AddRange([0x00, 0x03, 0x03, 4, 0x29, 0, 0, 0]);                                   // Removable Medium: tray, eject, lock
        features.AddRange([0x00, 0x10, (byte)(media is null ? 0x00 : 0x01), 8, 0, 0, 0x08, 0, 0, 0x01, 0, 0]);   // Random Readable, 2048-byte blocks
        var d = new byte[8 + features.Count];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)(d.Length - 4));
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(6), current);
        features.CopyTo(d, 8);
        return Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(c.Cdb.Span[7..]));
    }

    /// <summary>GET EVENT STATUS NOTIFICATION, polled, media class: a new or removed medium once, then no change.</summary>
    private ScsiResult EventStatus(ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        if ((cdb[1] & 0x01) == 0) return ScsiResult.InvalidField(1, 0);                           // only polled operation
        Span<byte> d = stackalloc byte[8];
        d.Clear();
        d[1] = 6;
        d[3] = 0x10;                                                                                // supported classes: media
        if ((cdb[4] & 0x10) == 0)
        {
            d[1] = 2;
            d[2] = 0x80;                                                                            // NEA: no requested class supported
            return Respond(c, d[..4], BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]));
        }
        lock (_gate)
        {
            d[2] = 0x04;                                                                            // media class
            d[4] = (byte)(_mediaEvent ? (_media is null ? 0x03 : 0x02) : 0x00);                  // media removal / new media / no change
            d[5] = (byte)(_media is null ? 0x00 : 0x02);                                            // media present
            _mediaEvent = false;
        }
        return Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]));
    }

    private ScsiResult MechanismStatus(ScsiCommand c)
    {
        Span<byte> d = stackalloc byte[8];
        d.Clear();
        d[5] = (byte)(_media is null ? 0x00 : 0x80);                                               // door closed; disc present
        return Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(c.Cdb.Span[8..]));
    }

    /// <summary>READ TOC/PMA/ATIP formats 0 (TOC: one data track and the lead-out) and 1 (session information).</summary>
    private static ScsiResult ReadToc(ScsiCommand c, OpticalMedia media)
    {
        var cdb = c.Cdb.Span;
        var msf = (cdb[1] & 0x02) != 0;
        var format = cdb[2] & 0x0F;
        var allocation = BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]);
        if (format == 0)
        {
            var d = new byte[4 + 16];
            BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)(d.Length - 2));
            d[2] = 1;
            d[3] = 1;
            Descriptor(d.AsSpan(4), 1, 0, msf);
            Descriptor(d.AsSpan(12), 0xAA, media.Sectors, msf);
            return Respond(c, d, allocation);
        }
        if (format == 1)
        {
            var d = new byte[12];
            BinaryPrimitives.WriteUInt16BigEndian(d, 10);
            d[2] = 1;
            d[3] = 1;
            Descriptor(d.AsSpan(4), 1, 0, msf);
            return Respond(c, d, allocation);
        }
        return ScsiResult.InvalidField(2, 3);
    }

    private static void Descriptor(Span<byte> d, byte track, long lba, bool msf)
    {
        d[1] = 0x14;                                                                                // ADR 1, control: data track
        d[2] = track;
        if (msf)
        {
            var frames = lba + 150;
            d[5] = (byte)(frames / (75 * 60));
            d[6] = (byte)(frames / 75 % 60);
            d[7] = (byte)(frames % 75);
        }
        else BinaryPrimitives.WriteUInt32BigEndian(d[4..], (uint)lba);
    }

    private static ScsiResult DiscInformation(ScsiCommand c, OpticalMedia media)
    {
        var d = new byte[34];
        BinaryPrimitives.WriteUInt16BigEndian(d, 32);
        d[2] = (byte)(media.Rewritable ? 0x1F : 0x0E);                                            // erasable, complete disc, complete last session
        d[3] = 1;                                                                                   // first track
        d[4] = 1;                                                                                   // sessions
        d[5] = 1;                                                                                   // first track in last session
        d[6] = 1;                                                                                   // last track in last session
        return Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(c.Cdb.Span[7..]));
    }

    private static ScsiResult TrackInformation(ScsiCommand c, OpticalMedia media)
    {
        var d = new byte[36];
        BinaryPrimitives.WriteUInt16BigEndian(d, 34);
        d[2] = 1;                                                                                   // track 1
        d[3] = 1;                                                                                   // session 1
        d[5] = 0x04;                                                                                // data track
        d[6] = 0x01;                                                                                // data mode 1
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(24), (uint)media.Sectors);                   // track size
        return Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(c.Cdb.Span[7..]));
    }

    /// <summary>MODE SENSE(10) with the MM capabilities and mechanical status page (2Ah).</summary>
    private ScsiResult ModeSense(ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var page = cdb[2] & 0x3F;
        if (page is not (0x2A or 0x3F)) return ScsiResult.InvalidField(2, 5);
        var d = new byte[8 + 2 + 0x1C];
        BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)(d.Length - 2));
        var p = d.AsSpan(8);
        p[0] = 0x2A;
        p[1] = 0x1C;
        p[2] = 0x38;                                                                                // reads DVD-ROM, DVD-R, DVD-RAM
        p[3] = (byte)(_media?.Rewritable == true ? 0x20 : 0x00);                                  // writes DVD-RAM
        p[6] = (byte)(0x29 | (RemovalPrevented ? 0x02 : 0x00));                                    // tray, eject, lock, lock state
        return Respond(c, d, BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]));
    }
}
