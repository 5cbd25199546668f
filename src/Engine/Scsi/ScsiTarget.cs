using System.Buffers.Binary;
using System.Collections.Concurrent;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi;

/// <summary>
/// The SCSI target behind one server adapter: logical units by LUN, REPORT LUNS answered for the
/// whole target, INQUIRY to an absent LUN answered with peripheral qualifier 011b and every other
/// command to it with LOGICAL UNIT NOT SUPPORTED (SPC-5 6.7.2, SAM-5 5.8.4).
/// </summary>
public sealed class ScsiTarget
{
    private const int ReportLunsSelectOffset = 2;
    private const int ReportLunsAllocationOffset = 6;   // bytes 6-9
    private const byte NotConnectedNoDevice = 0x7F;     // peripheral qualifier 011b, type 1Fh

    private readonly ConcurrentDictionary<ulong, TaskSet> _units = new();

    public IReadOnlyCollection<ulong> Luns => _units.Keys.Order().ToList();

    public LogicalUnit? this[ulong lun] => _units.TryGetValue(lun, out var set) ? set.Unit : null;

    /// <summary>Adds a logical unit live: nexuses already talking to this target learn it from REPORTED LUNS DATA HAS CHANGED.</summary>
    public bool TryAdd(ulong lun, LogicalUnit unit)
    {
        if (!_units.TryAdd(lun, new TaskSet(unit))) return false;
        RaiseOnAll(SenseReason.ReportedLunsDataChanged, except: unit);
        return true;
    }

    /// <summary>Removes a logical unit live: its tasks are aborted and the others raise REPORTED LUNS DATA HAS CHANGED.</summary>
    public bool TryRemove(ulong lun)
    {
        if (!_units.TryRemove(lun, out var set)) return false;
        set.Reset();
        RaiseOnAll(SenseReason.ReportedLunsDataChanged);
        return true;
    }

    private void RaiseOnAll(SenseReason reason, LogicalUnit? except = null)
    {
        foreach (var set in _units.Values.Where(s => s.Unit != except)) set.Unit.Attentions.Raise(reason);
    }

    /// <summary>Task management (SAM-5 7): ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET.</summary>
    public TaskSet? TaskSetOf(ulong lun) => _units.TryGetValue(lun, out var set) ? set : null;

    /// <summary>TARGET RESET (SAM-5 7.8, as I_T NEXUS RESET of every nexus): every logical unit is reset.</summary>
    public void Reset()
    {
        foreach (var set in _units.Values) set.Reset();
    }

    private static readonly CdbShape ReportLunsShape = CdbShape.AllocationIn(ReportLunsAllocationOffset, 4, Primary.PrimaryCommands.Informational);
    private static readonly CdbShape AbsentInquiryShape = CdbShape.AllocationIn(3, 2, Primary.PrimaryCommands.Informational);

    /// <summary>
    /// The parse step for a command to <paramref name="lun"/> (the opcode table of its logical unit;
    /// REPORT LUNS and INQUIRY to an absent LUN are the target's own), with the most that logical
    /// unit transfers in one command. Transports call this before they size any buffer.
    /// </summary>
    public ParsedCdb Parse(ulong lun, ReadOnlySpan<byte> cdb, out int maxTransfer)
    {
        maxTransfer = LogicalUnit.DefaultMaxTransferLength;
        if (cdb.Length >= 12 && cdb[0] == OperationCode.ReportLuns) return ReportLunsShape.Parse(cdb, 0);
        if (this[lun] is { } unit)
        {
            maxTransfer = unit.MaxTransferLength;
            return unit.Parse(cdb);
        }
        return cdb.Length >= 6 && cdb[0] == OperationCode.Inquiry ? AbsentInquiryShape.Parse(cdb, 0) : ParsedCdb.Unknown;
    }

    public ValueTask<ScsiResult> ExecuteAsync(ulong lun, ScsiCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync(lun, command, TaskAttribute.Simple, 0, TaskSet.DefaultQueueDepth, cancellationToken);

    public ValueTask<ScsiResult> ExecuteAsync(ulong lun, ScsiCommand command, TaskAttribute attribute, ulong tag, int queueDepth, CancellationToken cancellationToken)
    {
        if (command.OperationCode == OperationCode.ReportLuns && command.Cdb.Length >= 12)
            return ValueTask.FromResult(ReportLuns(command));
        if (_units.TryGetValue(lun, out var set))
            return set.ExecuteAsync(command, attribute, tag, queueDepth, cancellationToken);
        if (command.OperationCode == OperationCode.Inquiry && command.Cdb.Length >= 6 && (command.Cdb.Span[1] & 0x01) == 0)
        {
            Span<byte> d = stackalloc byte[36];
            d.Clear();
            d[0] = NotConnectedNoDevice;
            d[3] = 0x02;
            d[4] = 31;
            return ValueTask.FromResult(LogicalUnit.Respond(command, d, BinaryPrimitives.ReadUInt16BigEndian(command.Cdb.Span[3..])));
        }
        return ValueTask.FromResult(ScsiResult.Check(SenseReason.LogicalUnitNotSupported));
    }

    /// <summary>REPORT LUNS (SPC-5 6.33): SELECT REPORT 00h, 01h and 02h list the same units here.</summary>
    private ScsiResult ReportLuns(ScsiCommand c)
    {
        var cdb = c.Cdb.Span;
        if (cdb[ReportLunsSelectOffset] > 0x02) return ScsiResult.InvalidField(ReportLunsSelectOffset);
        var luns = Luns;
        var d = new byte[8 + 8 * luns.Count];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)(8 * luns.Count));
        var i = 8;
        foreach (var lun in luns)
        {
            LunFormat.Encode(lun, d.AsSpan(i, 8));
            i += 8;
        }
        return LogicalUnit.Respond(c, d, BinaryPrimitives.ReadUInt32BigEndian(cdb[ReportLunsAllocationOffset..]));
    }
}

/// <summary>
/// LUN encodings. On the wire: single level (SAM-5 4.7), peripheral addressing below 256, flat
/// space up to 16383. As VIOS shows them (lsmap): each virtual target device is target id N+1,
/// LUN 0, in logical unit addressing (method 10b), so LUN 0 is 0x8100000000000000, LUN 1 is
/// 0x8200000000000000. The rule is fixed: VIOS LUN 0x8N00... is plain LUN N-1.
/// </summary>
public static class LunFormat
{
    private const ulong LogicalUnitAddressing = 0x8000;

    public static ulong ToVios(ulong lun) => lun < 63 ? (LogicalUnitAddressing | ((lun + 1) << 8)) << 48
        : throw new ArgumentOutOfRangeException(nameof(lun), lun, "VIOS addressing holds target ids 1..63.");

    public static ulong FromVios(ulong vios) => ((vios >> 56) & 0x3F) - 1;

    public static string ViosText(ulong lun) => $"0x{ToVios(lun):x16}";

    public static ulong Decode(ReadOnlySpan<byte> lun) => (lun[0] >> 6) switch
    {
        0 => lun[1],
        1 => (ulong)(((lun[0] & 0x3F) << 8) | lun[1]),
        _ => ulong.MaxValue,
    };

    public static void Encode(ulong lun, Span<byte> destination)
    {
        destination[..8].Clear();
        if (lun < 256) destination[1] = (byte)lun;
        else
        {
            destination[0] = (byte)(0x40 | ((lun >> 8) & 0x3F));
            destination[1] = (byte)lun;
        }
    }
}
