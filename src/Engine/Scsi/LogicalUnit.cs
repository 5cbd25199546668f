using System.Runtime.CompilerServices;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi;

/// <summary>Handles one command; returns a status and reason, never sense bytes.</summary>
public delegate ValueTask<ScsiResult> ScsiHandler(ScsiCommand command, CancellationToken cancellationToken);

/// <summary>
/// An entry of a logical unit's opcode table: the CDB's <see cref="Shape"/> (data direction,
/// transfer length, reservation access class), its handler, and the service actions it multiplexes.
/// </summary>
public sealed record OpcodeEntry(byte Opcode, string Name, CdbShape Shape, ScsiHandler Handler, IReadOnlyList<byte> ServiceActions);

/// <summary>What INQUIRY reports about a logical unit; <see cref="Id"/> makes its NAA identifier stable across restarts.</summary>
public sealed record LogicalUnitIdentity(string Vendor, string Product, string Revision, string Serial, Guid Id);

/// <summary>
/// A logical unit: an opcode table filled by the command sets it supports (SPC handlers shared,
/// then SBC/MMC/SSC), with the checks every command shares and one place where unexpected
/// failures become sense data (tgt's per-device-type tables, LIO's sense reasons).
/// </summary>
public abstract class LogicalUnit
{
    private readonly Dictionary<byte, OpcodeEntry> _table = [];

    protected LogicalUnit(LogicalUnitIdentity identity, IPersistentReservationStore? reservations = null)
    {
        Identity = identity;
        PersistentReservations = new PersistentReservations(reservations ?? new MemoryPersistentReservationStore());
        PrimaryCommands.Register(this);
        Reservations.Register(this);
        PersistentReservations.Register(this);
    }

    /// <summary>Persistent reservations (SPC-5 5.14), saved through the store given at construction.</summary>
    public PersistentReservations PersistentReservations { get; }

    /// <summary>The default <see cref="MaxTransferLength"/>: 32 MiB, what one command may move (libiscsi's suite moves 65536 blocks of 512 bytes at once).</summary>
    public const int DefaultMaxTransferLength = 32 << 20;

    /// <summary>
    /// The most one command may transfer, in bytes (a disk reports it in blocks as the Block Limits
    /// VPD MAXIMUM TRANSFER LENGTH, SBC-4 6.6.4); transports never size a buffer beyond it.
    /// </summary>
    public int MaxTransferLength { get; init; } = DefaultMaxTransferLength;

    /// <summary>The block length block-counted transfer lengths multiply by (0 when the device has none).</summary>
    protected virtual int TransferBlockLength => 0;

    /// <summary>A device-wide CDB check run before the handler; null lets the command through.</summary>
    protected virtual ScsiResult? Screen(ScsiCommand command, CommandTraits traits) => null;

    /// <summary>Pending unit attentions, per I_T nexus.</summary>
    public UnitAttentions Attentions { get; } = new();

    /// <summary>The SPC-2 reservation.</summary>
    public Reservations Reservations { get; } = new();

    public LogicalUnitIdentity Identity { get; }

    /// <summary>PERIPHERAL DEVICE TYPE (SPC-5 table 146): 0x00 disk, 0x01 tape, 0x05 CD/DVD.</summary>
    public abstract byte DeviceType { get; }

    /// <summary>Whether the medium is removable (INQUIRY RMB bit).</summary>
    public virtual bool Removable => false;

    /// <summary>The supported operation codes, in opcode order (the source of REPORT SUPPORTED OPERATION CODES).</summary>
    public IEnumerable<OpcodeEntry> Opcodes => _table.Values.OrderBy(e => e.Opcode);

    /// <summary>Device-specific VPD pages beyond 00h, 80h and 83h, each writing its whole page.</summary>
    public virtual IReadOnlyDictionary<byte, Func<byte[]>> ExtraVpdPages { get; } = new Dictionary<byte, Func<byte[]>>();

    public void Register(byte opcode, string name, CdbShape shape, ScsiHandler handler, params byte[] serviceActions) =>
        _table[opcode] = new OpcodeEntry(opcode, name, shape, handler, serviceActions);

    /// <summary>
    /// The parse step (LIO's sbc_parse_cdb): the command's data direction, transfer length in
    /// bytes, LBA range and traits, from the opcode table. A CDB the table does not know, or one
    /// shorter than its group code says, parses as <see cref="ParsedCdb.Unknown"/> (no data) and
    /// is answered INVALID OPERATION CODE when it runs.
    /// </summary>
    public ParsedCdb Parse(ReadOnlySpan<byte> cdb)
    {
        if (cdb.IsEmpty || !_table.TryGetValue(cdb[0], out var entry)) return ParsedCdb.Unknown;
        var length = OperationCode.LengthOf(cdb[0]);
        if (length == 0 || cdb.Length < length) return ParsedCdb.Unknown;
        var parsed = entry.Shape.Parse(cdb, TransferBlockLength);
        return parsed.HasRange && BlockCount is { } blocks && (parsed.Lba > blocks || parsed.Blocks > blocks - parsed.Lba)
            ? parsed with { BeyondCapacity = true }
            : parsed;
    }

    /// <summary>The number of logical blocks, for units whose CDBs address blocks (SBC); null otherwise.</summary>
    protected virtual ulong? BlockCount => null;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ScsiResult> ExecuteAsync(ScsiCommand command, CancellationToken cancellationToken)
    {
        if (command.Cdb.IsEmpty || !_table.TryGetValue(command.OperationCode, out var entry))
            return ScsiResult.Check(SenseReason.InvalidOperationCode);
        var length = OperationCode.LengthOf(command.OperationCode);
        if (length == 0 || command.Cdb.Length < length)
            return ScsiResult.Check(SenseReason.InvalidOperationCode);
        var traits = entry.Shape.Traits;
        if ((traits & CommandTraits.BypassesAttention) == 0 && Attentions.Take(command.Nexus) is SenseReason attention)
            return ScsiResult.Check(attention);
        if (Reservations.Conflicts(command, traits)
            || (traits & CommandTraits.PassesPersistentReservation) == 0 && PersistentReservations.Conflicts(command, (traits & CommandTraits.Writes) != 0))
            return new ScsiResult(ScsiStatus.ReservationConflict, SenseReason.None, 0);
        if (Screen(command, traits) is { } refused) return refused;
        var parsed = entry.Shape.Parse(command.Cdb.Span, TransferBlockLength);
        if (parsed.TransferLength > MaxTransferLength && !parsed.IsAllocation)
            return ScsiResult.InvalidField(parsed.LengthOffset);   // SBC-4 5.16: over the MAXIMUM TRANSFER LENGTH
        try
        {
            return await entry.Handler(command, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (IOException e) when (IsOutOfSpace(e))
        {
            return ScsiResult.Check(SenseReason.SpaceAllocationFailed);
        }
        catch (IOException)
        {
            return ScsiResult.Check((traits & CommandTraits.Writes) != 0 ? SenseReason.WriteError : SenseReason.UnrecoverableReadError);
        }
        catch (Exception)
        {
            return ScsiResult.Check(SenseReason.InternalTargetFailure);
        }
    }

    /// <summary>Copies a response to the data-in buffer, truncated to the allocation length (SPC-5 4.2.5.6).</summary>
    public static ScsiResult Respond(ScsiCommand command, ReadOnlySpan<byte> response, long allocationLength)
    {
        var length = (int)Math.Min(Math.Min(response.Length, allocationLength), command.DataIn.Length);
        response[..length].CopyTo(command.DataIn.Span);
        return ScsiResult.Good(length);
    }

    // ENOSPC on Unix (28), ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsOutOfSpace(IOException e) => (e.HResult & 0xFFFF) is 28 or 0x70 or 0x27;
}
