using System.Runtime.CompilerServices;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Primary;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi;

/// <summary>Handles one command; returns a status and reason, never sense bytes.</summary>
public delegate ValueTask<ScsiResult> ScsiHandler(ScsiCommand command, CancellationToken cancellationToken);

/// <summary>An entry of a logical unit's opcode table; <see cref="ServiceActions"/> lists the service actions an opcode multiplexes.</summary>
public sealed record OpcodeEntry(byte Opcode, string Name, ScsiHandler Handler, IReadOnlyList<byte> ServiceActions);

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

    /// <summary>Commands that change the medium or its settings: what a write-exclusive reservation refuses.</summary>
    protected virtual bool Writes(byte opcode) => false;

    /// <summary>Commands that do not report (or clear) a pending unit attention (SPC-5 5.14: INQUIRY, REPORT LUNS, REQUEST SENSE).</summary>
    protected virtual bool BypassesAttention(byte opcode) =>
        opcode is OperationCode.Inquiry or OperationCode.ReportLuns or OperationCode.RequestSense;

    /// <summary>A device-wide CDB check run before the handler; null lets the command through.</summary>
    protected virtual ScsiResult? Screen(ScsiCommand command) => null;

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

    public void Register(byte opcode, string name, ScsiHandler handler, params byte[] serviceActions) =>
        _table[opcode] = new OpcodeEntry(opcode, name, handler, serviceActions);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ScsiResult> ExecuteAsync(ScsiCommand command, CancellationToken cancellationToken)
    {
        if (command.Cdb.IsEmpty || !_table.TryGetValue(command.OperationCode, out var entry))
            return ScsiResult.Check(SenseReason.InvalidOperationCode);
        var length = OperationCode.LengthOf(command.OperationCode);
        if (length == 0 || command.Cdb.Length < length)
            return ScsiResult.Check(SenseReason.InvalidOperationCode);
        if (!BypassesAttention(command.OperationCode) && Attentions.Take(command.Nexus) is SenseReason attention)
            return ScsiResult.Check(attention);
        if (Reservations.Conflicts(command) || PersistentReservations.Conflicts(command, Writes(command.OperationCode)) && !AlwaysAllowed(command.OperationCode))
            return new ScsiResult(ScsiStatus.ReservationConflict, SenseReason.None, 0);
        if (Screen(command) is { } refused) return refused;
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
            return ScsiResult.Check(Writes(command.OperationCode) ? SenseReason.WriteError : SenseReason.UnrecoverableReadError);
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

    /// <summary>Commands every nexus may send whatever the persistent reservation (SPC-5 table 69).</summary>
    private static bool AlwaysAllowed(byte opcode) => opcode is OperationCode.Inquiry or OperationCode.ReportLuns or OperationCode.RequestSense
        or OperationCode.TestUnitReady or OperationCode.PersistentReserveIn or OperationCode.PersistentReserveOut or OperationCode.MaintenanceIn
        or OperationCode.ReadCapacity10 or OperationCode.ServiceActionIn16;

    // ENOSPC on Unix (28), ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsOutOfSpace(IOException e) => (e.HResult & 0xFFFF) is 28 or 0x70 or 0x27;
}
