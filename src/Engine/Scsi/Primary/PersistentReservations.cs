using System.Buffers.Binary;
using System.Text;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>
/// PERSISTENT RESERVE IN and OUT (SPC-5 6.16-6.17, 5.14): registrations per I_T nexus, one
/// reservation of any of the six types, the access rules they impose on other nexuses, and the
/// unit attentions they raise. Every change is saved through the store, so registrations and the
/// reservation survive a restart of the serving partition.
/// </summary>
public sealed class PersistentReservations
{
    private const int ParameterListLength = 24;
    private const byte SpecIPtBit = 0x08;
    private const byte AllTgPtBit = 0x04;

    private readonly IPersistentReservationStore _store;
    private readonly object _gate = new();
    private readonly Dictionary<string, ulong> _keys;
    private uint _generation;
    private string? _holder;
    private PersistentReservationType? _typeValue;
    private int _hasReservation;

    private PersistentReservationType? ReservationType
    {
        get => _typeValue;
        set
        {
            _typeValue = value;
            Volatile.Write(ref _hasReservation, value is null ? 0 : 1);
        }
    }

    public PersistentReservations(IPersistentReservationStore store)
    {
        _store = store;
        var state = store.Load();
        _generation = state.Generation;
        _keys = new Dictionary<string, ulong>(state.Registrations, StringComparer.Ordinal);
        _holder = state.Holder;
        ReservationType = state.Type;
    }

    private enum OutAction : byte { Register = 0, Reserve = 1, Release = 2, Clear = 3, Preempt = 4, PreemptAndAbort = 5, RegisterAndIgnore = 6 }

    public static void Register(LogicalUnit unit)
    {
        unit.Register(OperationCode.PersistentReserveIn, "PERSISTENT RESERVE IN", CdbShape.AllocationIn(7, 2, CommandTraits.PassesPersistentReservation), (c, _) => ValueTask.FromResult(unit.PersistentReservations.In(c)), 0, 1, 2, 3);
        unit.Register(OperationCode.PersistentReserveOut, "PERSISTENT RESERVE OUT", CdbShape.ParameterListOut(5, 4, CommandTraits.PassesPersistentReservation), (c, _) => ValueTask.FromResult(unit.PersistentReservations.Out(unit, c)), 0, 1, 2, 3, 4, 5, 6);
    }

    private static bool AllRegistrants(PersistentReservationType? t) =>
        t is PersistentReservationType.WriteExclusiveAllRegistrants or PersistentReservationType.ExclusiveAccessAllRegistrants;

    private static bool RegistrantsOnly(PersistentReservationType? t) => t is PersistentReservationType.WriteExclusiveRegistrantsOnly
        or PersistentReservationType.ExclusiveAccessRegistrantsOnly || AllRegistrants(t);

    private bool IsHolder(string nexus) => ReservationType is not null && (AllRegistrants(ReservationType) ? _keys.ContainsKey(nexus) : _holder == nexus);

    /// <summary>Whether a command from <paramref name="command"/>'s nexus conflicts with the reservation (SPC-5 table 69).</summary>
    public bool Conflicts(ScsiCommand command, bool writes)
    {
        if (Volatile.Read(ref _hasReservation) == 0) return false; // the common case, without the lock
        lock (_gate)
        {
            if (ReservationType is not PersistentReservationType type || IsHolder(command.Nexus)) return false;
            if (command.OperationCode is OperationCode.Reserve6 or OperationCode.Reserve10 or OperationCode.Release6 or OperationCode.Release10) return true;
            if (RegistrantsOnly(type) && _keys.ContainsKey(command.Nexus)) return false;
            var exclusiveAccess = type is PersistentReservationType.ExclusiveAccess or PersistentReservationType.ExclusiveAccessRegistrantsOnly
                or PersistentReservationType.ExclusiveAccessAllRegistrants;
            return writes || exclusiveAccess;
        }
    }

    private ScsiResult In(ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var allocation = BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]);
        byte[] d;
        lock (_gate)
        {
            d = (cdb[1] & 0x1F) switch
            {
                0 => ReadKeys(),
                1 => ReadReservation(),
                2 => ReportCapabilities(),
                3 => ReadFullStatus(),
                _ => [],
            };
        }
        return d.Length == 0 ? ScsiResult.InvalidField(1, 4) : LogicalUnit.Respond(c, d, allocation);
    }

    private byte[] Header(int additional)
    {
        var d = new byte[8 + additional];
        BinaryPrimitives.WriteUInt32BigEndian(d, _generation);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), (uint)additional);
        return d;
    }

    private byte[] ReadKeys()
    {
        var keys = _keys.Values.ToList();
        var d = Header(8 * keys.Count);
        for (var i = 0; i < keys.Count; i++) BinaryPrimitives.WriteUInt64BigEndian(d.AsSpan(8 + 8 * i), keys[i]);
        return d;
    }

    private byte[] ReadReservation()
    {
        if (ReservationType is not PersistentReservationType type) return Header(0);
        var d = Header(16);
        // For an all-registrants reservation the key reported is zero (SPC-5 6.16.3.3).
        BinaryPrimitives.WriteUInt64BigEndian(d.AsSpan(8), AllRegistrants(type) ? 0 : _keys[_holder!]);
        d[21] = (byte)type;
        return d;
    }

    private static byte[] ReportCapabilities()
    {
        var d = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(d, 8);
        d[2] = 0x01;        // PTPL_C: persist through power loss is always on
        d[3] = 0x80 | 0x01; // TMV: the type mask is valid; PTPL_A: persisting now
        d[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02; // WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX
        d[5] = 0x01;        // EX_AC_AR
        return d;
    }

    private byte[] ReadFullStatus()
    {
        var entries = _keys.Select(kv => (Nexus: kv.Key, Key: kv.Value, Id: TransportId(kv.Key))).ToList();
        var d = Header(entries.Sum(e => 24 + e.Id.Length));
        var o = 8;
        foreach (var (nexus, key, id) in entries)
        {
            BinaryPrimitives.WriteUInt64BigEndian(d.AsSpan(o), key);
            if (IsHolder(nexus))
            {
                d[o + 12] = 0x01;           // R_HOLDER
                d[o + 13] = (byte)ReservationType!.Value;
            }
            BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(o + 20), (uint)id.Length);
            id.CopyTo(d, o + 24);
            o += 24 + id.Length;
        }
        return d;
    }

    /// <summary>An iSCSI-style TransportID (format 00b, protocol 5h) naming the nexus, padded to a multiple of four.</summary>
    private static byte[] TransportId(string nexus)
    {
        var name = Encoding.UTF8.GetBytes(nexus);
        var length = Math.Max(20, (name.Length + 1 + 3) / 4 * 4);
        var d = new byte[4 + length];
        d[0] = 0x05;
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), (ushort)length);
        name.CopyTo(d, 4);
        return d;
    }

    private ScsiResult Out(LogicalUnit unit, ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        var action = (OutAction)(cdb[1] & 0x1F);
        if (action > OutAction.RegisterAndIgnore) return ScsiResult.InvalidField(1, 4);
        if ((cdb[2] >> 4) != 0) return ScsiResult.InvalidField(2, 7);             // only LU_SCOPE
        var length = BinaryPrimitives.ReadUInt32BigEndian(cdb[5..]);
        if (length != ParameterListLength || c.DataOut.Length < ParameterListLength) return ScsiResult.Check(SenseReason.ParameterListLengthError);
        var list = c.DataOut.Span;
        var key = BinaryPrimitives.ReadUInt64BigEndian(list);
        var serviceKey = BinaryPrimitives.ReadUInt64BigEndian(list[8..]);
        if ((list[20] & SpecIPtBit) != 0) return ScsiResult.InvalidParameter(20);
        if ((list[20] & AllTgPtBit) != 0) return ScsiResult.InvalidParameter(20);
        var typeValue = (byte)(cdb[2] & 0x0F);
        var needsType = action is OutAction.Reserve or OutAction.Release or OutAction.Preempt or OutAction.PreemptAndAbort;
        if (needsType && !Enum.IsDefined(typeof(PersistentReservationType), typeValue)) return ScsiResult.InvalidField(2, 3);
        var type = (PersistentReservationType)typeValue;
        if (unit.Reservations.Holder is string spc2 && spc2 != c.Nexus) return Conflict;

        lock (_gate)
        {
            var registered = _keys.TryGetValue(c.Nexus, out var current);
            if (action is not (OutAction.Register or OutAction.RegisterAndIgnore) && (!registered || current != key)) return Conflict;
            var result = action switch
            {
                OutAction.Register or OutAction.RegisterAndIgnore => Register(unit, c.Nexus, registered, current, key, serviceKey, action == OutAction.RegisterAndIgnore),
                OutAction.Reserve => Reserve(c.Nexus, type),
                OutAction.Release => Release(unit, c.Nexus, type),
                OutAction.Clear => Clear(unit, c.Nexus),
                _ => Preempt(unit, c.Nexus, serviceKey, type),
            };
            if (result.IsGood) _store.Save(new PersistentReservationState(_generation, new Dictionary<string, ulong>(_keys), _holder, ReservationType));
            return result;
        }
    }

    private static ScsiResult Conflict => new(ScsiStatus.ReservationConflict, SenseReason.None, 0);

    private ScsiResult Register(LogicalUnit unit, string nexus, bool registered, ulong current, ulong key, ulong serviceKey, bool ignoreExisting)
    {
        if (!ignoreExisting && (registered ? current != key : key != 0)) return Conflict;
        if (serviceKey == 0)
        {
            if (registered) Unregister(unit, nexus);
        }
        else
        {
            _keys[nexus] = serviceKey;
        }
        _generation++;
        return ScsiResult.Good();
    }

    private void Unregister(LogicalUnit unit, string nexus)
    {
        var wasHolder = IsHolder(nexus);
        _keys.Remove(nexus);
        if (!wasHolder) return;
        if (AllRegistrants(ReservationType) && _keys.Count > 0) return; // the reservation stays with the other registrants
        var type = ReservationType;
        (_holder, ReservationType) = (null, null);
        if (RegistrantsOnly(type))
            foreach (var other in _keys.Keys) unit.Attentions.RaiseFor(other, SenseReason.ReservationsReleased);
    }

    private ScsiResult Reserve(string nexus, PersistentReservationType type)
    {
        if (ReservationType is null)
        {
            (_holder, ReservationType) = (nexus, type);
            return ScsiResult.Good();
        }
        return IsHolder(nexus) && ReservationType == type ? ScsiResult.Good() : Conflict;
    }

    private ScsiResult Release(LogicalUnit unit, string nexus, PersistentReservationType type)
    {
        if (ReservationType is null || !IsHolder(nexus)) return ScsiResult.Good();
        if (ReservationType != type) return ScsiResult.Check(SenseReason.InvalidReleaseOfPersistentReservation);
        var wasRestricted = type is not (PersistentReservationType.WriteExclusive or PersistentReservationType.ExclusiveAccess);
        (_holder, ReservationType) = (null, null);
        if (wasRestricted)
            foreach (var other in _keys.Keys.Where(k => k != nexus)) unit.Attentions.RaiseFor(other, SenseReason.ReservationsReleased);
        return ScsiResult.Good();
    }

    private ScsiResult Clear(LogicalUnit unit, string nexus)
    {
        foreach (var other in _keys.Keys.Where(k => k != nexus)) unit.Attentions.RaiseFor(other, SenseReason.ReservationsPreempted);
        _keys.Clear();
        (_holder, ReservationType) = (null, null);
        _generation++;
        return ScsiResult.Good();
    }

    private ScsiResult Preempt(LogicalUnit unit, string nexus, ulong serviceKey, PersistentReservationType type)
    {
        var allRegistrants = AllRegistrants(ReservationType);
        if (serviceKey == 0 && !allRegistrants) return ScsiResult.InvalidParameter(8);
        var victims = _keys.Where(kv => kv.Key != nexus && (allRegistrants && serviceKey == 0 || kv.Value == serviceKey)).Select(kv => kv.Key).ToList();
        var takesReservation = ReservationType is not null && (allRegistrants ? serviceKey == 0 || victims.Count > 0 : _holder is not null && _keys.GetValueOrDefault(_holder) == serviceKey);
        if (victims.Count == 0 && !takesReservation) return Conflict;
        foreach (var victim in victims)
        {
            _keys.Remove(victim);
            unit.Attentions.RaiseFor(victim, SenseReason.RegistrationsPreempted);
        }
        if (takesReservation)
        {
            if (ReservationType != type)
                foreach (var other in _keys.Keys.Where(k => k != nexus)) unit.Attentions.RaiseFor(other, SenseReason.ReservationsReleased);
            (_holder, ReservationType) = (nexus, type);
        }
        _generation++;
        return ScsiResult.Good();
    }
}
