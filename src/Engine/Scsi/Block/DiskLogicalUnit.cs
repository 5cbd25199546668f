using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Scsi.Block;

/// <summary>A direct-access block device (SBC-4) over a block store: the disk a virtual target device vtscsiN presents.</summary>
public sealed class DiskLogicalUnit : LogicalUnit
{
    public DiskLogicalUnit(LogicalUnitIdentity identity, IBlockStore store, IPersistentReservationStore? reservations = null) : base(identity, reservations)
    {
        Store = store;
        ReadWrite.Register(this);
        Capacity.Register(this);
        Provisioning.Register(this);
        ModePages.Register(this);
        Verify.Register(this);
        ExtraVpdPages = new Dictionary<byte, Func<byte[]>>
        {
            [0xB0] = () => Provisioning.BlockLimits(this),
            [0xB1] = () => Provisioning.BlockDeviceCharacteristics(this),
            [0xB2] = () => Provisioning.LogicalBlockProvisioning(this),
        };
    }

    public override IReadOnlyDictionary<byte, Func<byte[]>> ExtraVpdPages { get; }

    public IBlockStore Store { get; }

    /// <summary>Overlapping commands are serialized on their block ranges.</summary>
    public RangeLock Ranges { get; } = new();

    /// <summary>START STOP UNIT state: a stopped disk answers media access with NOT READY.</summary>
    public bool Started { get; set; } = true;

    /// <summary>The Caching mode page's WCE bit; when off, every write is forced to the medium.</summary>
    public bool WriteCacheEnabled { get; set; } = true;

    public override byte DeviceType => 0x00;

    /// <summary>Grows the disk live; every nexus is told CAPACITY DATA HAS CHANGED (SBC-4 4.12).</summary>
    public void Grow(ulong blockCount)
    {
        Store.Grow(blockCount);
        Attentions.Raise(SenseReason.CapacityDataChanged);
    }

    /// <summary>
    /// RDPROTECT, WRPROTECT and VRPROTECT (byte 1 bits 7-5) must be zero on a unit formatted
    /// without protection information (SBC-4 4.22.2, e.g. table 81).
    /// </summary>
    protected override ScsiResult? Screen(ScsiCommand command, CommandTraits traits) =>
        (traits & CommandTraits.Protection) != 0 && (command.Cdb.Span[1] & ProtectMask) != 0 ? ScsiResult.InvalidField(1, 7) : null;

    private const byte ProtectMask = 0xE0;   // byte 1 bits 7-5

    protected override int TransferBlockLength => Store.BlockSize;

    protected override ulong? BlockCount => Store.BlockCount;
}
