using VScsi.Engine.Scsi.Cdb;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>
/// SPC-2 RESERVE and RELEASE 6/10 (SPC-2 7.21-7.24): one nexus may hold the logical unit; while it
/// does, other nexuses get RESERVATION CONFLICT for every command except the few that
/// <see cref="Allowed"/> lists. A RELEASE from another nexus succeeds without effect.
/// </summary>
public sealed class Reservations
{
    private const byte ThirdPartyBit = 0x10;    // RESERVE/RELEASE(10) byte 1 bit 4
    private const byte LongIdBit = 0x02;        // RESERVE/RELEASE(10) byte 1 bit 1
    private readonly object _gate = new();
    private string? _holder;

    public string? Holder
    {
        get { lock (_gate) return _holder; }
    }

    /// <summary>
    /// Whether <paramref name="command"/> conflicts with a reservation held by another nexus: every
    /// command does but those the opcode table marks <see cref="CommandTraits.PassesReservation"/> (SPC-2 table 31).
    /// </summary>
    public bool Conflicts(ScsiCommand command, CommandTraits traits)
    {
        var holder = Volatile.Read(ref _holder);
        return holder is not null && holder != command.Nexus && (traits & CommandTraits.PassesReservation) == 0;
    }

    public static void Register(LogicalUnit unit)
    {
        foreach (var (opcode, name) in new[] { (OperationCode.Reserve6, "RESERVE(6)"), (OperationCode.Reserve10, "RESERVE(10)") })
            unit.Register(opcode, name, CdbShape.NoData(), (c, _) => ValueTask.FromResult(unit.Reservations.Reserve(c)));
        foreach (var (opcode, name) in new[] { (OperationCode.Release6, "RELEASE(6)"), (OperationCode.Release10, "RELEASE(10)") })
            unit.Register(opcode, name, CdbShape.NoData(CommandTraits.PassesReservation), (c, _) => ValueTask.FromResult(unit.Reservations.Release(c)));
    }

    private ScsiResult Reserve(ScsiCommand c)
    {
        if (c.Cdb.Length >= 10 && c.OperationCode == OperationCode.Reserve10)
        {
            if ((c.Cdb.Span[1] & ThirdPartyBit) != 0) return ScsiResult.InvalidField(1, 4);
            if ((c.Cdb.Span[1] & LongIdBit) != 0) return ScsiResult.InvalidField(1, 1);
        }
        lock (_gate)
        {
            if (_holder is not null && _holder != c.Nexus) return new ScsiResult(ScsiStatus.ReservationConflict, Sense.SenseReason.None, 0);
            _holder = c.Nexus;
        }
        return ScsiResult.Good();
    }

    private ScsiResult Release(ScsiCommand c)
    {
        if (c.Cdb.Length >= 10 && c.OperationCode == OperationCode.Release10 && (c.Cdb.Span[1] & (ThirdPartyBit | LongIdBit)) != 0)
            return ScsiResult.InvalidField(1, (c.Cdb.Span[1] & ThirdPartyBit) != 0 ? 4 : 1);
        lock (_gate)
        {
            if (_holder == c.Nexus) _holder = null;
        }
        return ScsiResult.Good();
    }

    /// <summary>Reserves for <paramref name="nexus"/> unless another nexus holds the reservation (an implicit RESERVE).</summary>
    public bool Claim(string nexus)
    {
        lock (_gate)
        {
            if (_holder is not null && _holder != nexus) return false;
            _holder = nexus;
            return true;
        }
    }

    /// <summary>Drops a reservation held by a nexus that went away (logical unit reset, session end).</summary>
    public void Clear(string? nexus = null)
    {
        lock (_gate)
        {
            if (nexus is null || _holder == nexus) _holder = null;
        }
    }
}
