using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// SCSI commands on a connection: the CDB is parsed once by the SCSI core (its opcode table gives
/// the transfer), settled against the ExpectedDataTransferLength, checked against the session's
/// and the portal's buffer budget, and only then given buffers. Nothing from the wire sizes an
/// allocation by itself.
/// </summary>
internal sealed partial class IscsiTargetConnection
{
    private const byte AhsExtendedCdb = 1;   // RFC 7143 11.2.1.3

    /// <summary>A write waiting for its data: immediate, unsolicited and solicited (R2T) Data-Out.</summary>
    private sealed class PendingWrite(uint itt, ulong lun, byte[] cdb, TaskAttribute attribute, long expected, int solicit, byte[]? buffer, int reserved)
    {
        public uint Itt { get; } = itt;
        public ulong Lun { get; } = lun;
        public byte[] Cdb { get; } = cdb;
        public TaskAttribute Attribute { get; } = attribute;

        /// <summary>The initiator's ExpectedDataTransferLength: what it may send unsolicited is bounded by it.</summary>
        public long Expected { get; } = expected;

        /// <summary>How much data the target asks for with R2Ts (what the command takes).</summary>
        public int Solicit { get; } = solicit;

        /// <summary>The buffer budget this write holds (its buffer's length as asked for, and any data-in).</summary>
        public int Reserved { get; } = reserved;

        /// <summary>Data-in a CDB that reads still produces when the initiator flagged it as a write (it goes nowhere).</summary>
        public int DataIn { get; init; }

        public byte[]? Buffer { get; private set; } = buffer;
        public int Received { get; set; }

        /// <summary>What the command is given of the data (less than received when the CDB asks for fewer bytes).</summary>
        public int DataOutLength { get; init; }
        public Residual Residual { get; init; }
        public bool AwaitingUnsolicited { get; set; }
        public uint NextUnsolicitedDataSn { get; set; }
        public int NextR2TOffset { get; set; }
        public uint NextR2TSn { get; set; }
        public Dictionary<uint, Burst> Bursts { get; } = [];

        public byte[]? TakeBuffer()
        {
            var b = Buffer;
            Buffer = null;
            return b;
        }
    }

    private sealed class Burst(int offset, int length)
    {
        public int Offset { get; } = offset;
        public int Length { get; } = length;
        public int Received { get; set; }
        public uint NextDataSn { get; set; }
    }

    /// <summary>An iSCSI residual (RFC 7143 11.4.5): the O or U flag and the byte count.</summary>
    private readonly record struct Residual(byte Flags, uint Count)
    {
        public static readonly Residual None = new(0, 0);

        public Residual(byte flags, long count) : this(flags, (uint)Math.Min(count, uint.MaxValue))
        {
        }

        public static Residual Of(in TransferPlan plan) =>
            plan.Overflow > 0 ? new Residual(ResidualOverflow, plan.Overflow) : plan.Underflow > 0 ? new Residual(ResidualUnderflow, plan.Underflow) : None;
    }

    private static TaskAttribute AttributeOf(byte flags) => (flags & 0x07) switch
    {
        2 => TaskAttribute.Ordered,
        3 => TaskAttribute.HeadOfQueue,
        _ => TaskAttribute.Simple,
    };

    /// <summary>
    /// The CDB: 16 bytes in the header plus an extended-CDB AHS (RFC 7143 11.2.1.3) when longer, else
    /// cut to the length its group code gives; null when the AHS claims more bytes than it holds.
    /// </summary>
    private static byte[]? CdbOf(Pdu pdu)
    {
        var header = pdu.Header.AsSpan(32, 16);
        var ahs = pdu.Ahs.AsSpan();
        if (ahs.Length >= 4 && ahs[2] == AhsExtendedCdb)
        {
            // AHSLength counts the reserved byte and the CDB bytes beyond the 16 in the header.
            var ahsLength = BinaryPrimitives.ReadUInt16BigEndian(ahs);
            if (ahsLength < 1 || 3 + ahsLength > ahs.Length) return null;
            var cdb = new byte[16 + ahsLength - 1];
            header.CopyTo(cdb);
            ahs.Slice(4, ahsLength - 1).CopyTo(cdb.AsSpan(16));
            return cdb;
        }
        var length = (header[0] >> 5) switch { 0 => 6, 1 or 2 => 10, 5 => 12, _ => 16 };
        return header[..length].ToArray();
    }

    /// <summary>A SCSI Command PDU: in the window, its transfer settled and budgeted, its data gathered or asked for, then started.</summary>
    private async Task OnCommandAsync(Pdu pdu)
    {
        var session = Session!;
        if (session.IsDiscovery)
        {
            await RejectAsync(pdu, RejectReason.ProtocolError).ConfigureAwait(false);
            return;
        }
        if (!session.Accept(pdu.U32(24), pdu.Immediate)) return;
        var itt = pdu.Itt;
        var flags = pdu.Flags;
        bool read = (flags & 0x40) != 0, write = (flags & 0x20) != 0;
        long edtl = pdu.U32(20);
        var lun = LunFormat.Decode(pdu.Header.AsSpan(8, 8));
        if (CdbOf(pdu) is not { } cdb)
        {
            session.Finished();
            _portal.Log($"command {itt:x8} of {session.InitiatorName} refused: an extended-CDB AHS longer than the AHS segment");
            await RejectAsync(pdu, RejectReason.InvalidPduField).ConfigureAwait(false);
            return;
        }
        if (read && write)
        {
            session.Finished();
            await RespondAsync(itt, ScsiResult.Check(SenseReason.InvalidFieldInInformationUnit), 0, 0, 0).ConfigureAwait(false);
            return;
        }
        var parsed = Entry!.Target.Parse(lun, cdb, out var maxTransfer);
        var plan = TransferPlan.Decide(parsed, read ? DataDirection.In : write ? DataDirection.Out : DataDirection.None, edtl, maxTransfer, cdb);
        var residual = Residual.Of(plan);
        if (plan.Refusal is { } refusal)
        {
            _portal.Log($"command {itt:x8} of {session.InitiatorName} refused: opcode {cdb[0]:x2} moves {parsed.TransferLength} bytes by its CDB "
                + $"(expected {edtl}, at most {maxTransfer}): {refusal.Reason}");
            session.Finished();
            await RespondAsync(itt, refusal, residual.Flags, residual.Count, 0).ConfigureAwait(false);
            return;
        }
        if (!write)
        {
            if (!await ReserveAsync(itt, plan.DataIn, maxTransfer).ConfigureAwait(false)) return;
            Start(itt, lun, cdb, AttributeOf(flags), null, 0, plan.DataIn, read ? edtl : 0, plan.DataIn, residual);
            return;
        }
        await OnWriteAsync(pdu, cdb, edtl, plan, residual, maxTransfer).ConfigureAwait(false);
    }

    /// <summary>A command with data-out: takes its immediate data, then waits for unsolicited data or asks for the rest.</summary>
    private async Task OnWriteAsync(Pdu pdu, byte[] cdb, long edtl, TransferPlan plan, Residual residual, int maxTransfer)
    {
        var session = Session!;
        var itt = pdu.Itt;
        if (pdu.DataLength > edtl || pdu.DataLength > Parameters.FirstBurstLength || (pdu.DataLength > 0 && !Parameters.ImmediateData))
        {
            session.Finished();
            _portal.Log($"command {itt:x8} of {session.InitiatorName}: {pdu.DataLength} bytes of immediate data beyond what was negotiated or expected; rejected");
            await RejectAsync(pdu, RejectReason.ProtocolError).ConfigureAwait(false);
            return;
        }
        if (_writes.ContainsKey(itt))
        {
            session.Finished();
            await RejectAsync(pdu, RejectReason.TaskInProgress).ConfigureAwait(false);
            return;
        }
        // The buffer holds what the command takes, or the unsolicited data the initiator may send if more.
        var unsolicited = Parameters.ImmediateData || !Parameters.InitialR2T ? Parameters.FirstBurstLength : 0;
        var capacity = (int)Math.Min(edtl, Math.Max(plan.DataOut, unsolicited));
        if (!await ReserveAsync(itt, capacity + plan.DataIn, maxTransfer).ConfigureAwait(false)) return;
        var pending = new PendingWrite(itt, LunFormat.Decode(pdu.Header.AsSpan(8, 8)), cdb, AttributeOf(pdu.Flags), edtl, plan.DataOut, Rent(capacity), capacity + plan.DataIn)
        {
            DataIn = plan.DataIn,
            DataOutLength = plan.DataOut,
            Residual = residual,
        };
        pdu.Data.CopyTo(pending.Buffer);
        pending.Received = pdu.DataLength;
        pending.NextR2TOffset = pdu.DataLength;
        if (pending.Received < edtl && !pdu.Final && !Parameters.InitialR2T)
            pending.AwaitingUnsolicited = true;
        _writes[itt] = pending;
        await ProgressAsync(pending).ConfigureAwait(false);
    }

    /// <summary>Starts a write whose data is complete, or asks for more with R2Ts.</summary>
    private async Task ProgressAsync(PendingWrite w)
    {
        if (w.Received >= w.Solicit && w.Bursts.Count == 0 && !w.AwaitingUnsolicited)
        {
            _writes.Remove(w.Itt);
            Start(w.Itt, w.Lun, w.Cdb, w.Attribute, w.TakeBuffer(), w.DataOutLength, w.DataIn, 0, w.Reserved, w.Residual);
            return;
        }
        if (w.AwaitingUnsolicited) return;
        while (w.Bursts.Count < Parameters.MaxOutstandingR2T && w.NextR2TOffset < w.Solicit)
        {
            var length = Math.Min(Parameters.MaxBurstLength, w.Solicit - w.NextR2TOffset);
            var ttt = _nextTtt++;
            if (_nextTtt == Pdu.ReservedTag) _nextTtt = 1;
            w.Bursts[ttt] = new Burst(w.NextR2TOffset, length);
            await SendR2TAsync(w, ttt, w.NextR2TOffset, length).ConfigureAwait(false);
            w.NextR2TOffset += length;
        }
    }

    private async Task OnDataOutAsync(Pdu pdu)
    {
        if (!_writes.TryGetValue(pdu.Itt, out var w)) return;    // the command already ended: drop its data
        var ttt = pdu.U32(20);
        var dataSn = pdu.U32(36);
        long offset = pdu.U32(40);
        if (ttt == Pdu.ReservedTag)
        {
            if (!w.AwaitingUnsolicited || dataSn != w.NextUnsolicitedDataSn || offset != w.Received
                || w.Received + pdu.DataLength > Math.Min(w.Expected, Parameters.FirstBurstLength))
            {
                await FailWriteAsync(w, $"unsolicited Data-Out out of sequence or beyond FirstBurstLength (DataSN {dataSn}, offset {offset}, {pdu.DataLength} bytes)").ConfigureAwait(false);
                return;
            }
            pdu.Data.CopyTo(w.Buffer.AsSpan(w.Received));
            w.Received += pdu.DataLength;
            w.NextR2TOffset = Math.Max(w.NextR2TOffset, w.Received);
            w.NextUnsolicitedDataSn++;
            if (pdu.Final) w.AwaitingUnsolicited = false;
        }
        else
        {
            if (!w.Bursts.TryGetValue(ttt, out var burst) || dataSn != burst.NextDataSn || offset != burst.Offset + burst.Received
                || burst.Received + pdu.DataLength > burst.Length)
            {
                await FailWriteAsync(w, $"Data-Out out of sequence or beyond its R2T (TTT {ttt:x8}, DataSN {dataSn}, offset {offset}, {pdu.DataLength} bytes)").ConfigureAwait(false);
                return;
            }
            pdu.Data.CopyTo(w.Buffer.AsSpan((int)offset));
            burst.Received += pdu.DataLength;
            burst.NextDataSn++;
            w.Received += pdu.DataLength;
            if (burst.Received == burst.Length) w.Bursts.Remove(ttt);
            else if (pdu.Final)
            {
                await FailWriteAsync(w, "a Data-Out sequence ended short").ConfigureAwait(false);
                return;
            }
        }
        await ProgressAsync(w).ConfigureAwait(false);
    }

    /// <summary>
    /// A write whose data arrived out of sequence (wrong DataSN, offset or length) ends with
    /// CHECK CONDITION, ABORTED COMMAND, DATA PHASE ERROR; later Data-Out for it is dropped. The
    /// connection and the other commands carry on.
    /// </summary>
    private async Task FailWriteAsync(PendingWrite w, string why)
    {
        _portal.Log($"command {w.Itt:x8} of {Session!.InitiatorName}: {why}");
        _writes.Remove(w.Itt);
        Release(w);
        Session.Finished();
        await RespondAsync(w.Itt, ScsiResult.Check(SenseReason.DataPhaseError), 0, 0, w.NextR2TSn).ConfigureAwait(false);
    }

    /// <summary>Hands a command to the task set now (keeping CmdSN order) and lets it finish in the background.</summary>
    private void Start(uint itt, ulong lun, byte[] cdb, TaskAttribute attribute, byte[]? dataOut, int dataOutLength, int dataInLength, long expectedIn, int reserved, Residual residual)
    {
        var running = new Running(lun);
        _running[itt] = running;
        var dataIn = Rent(dataInLength);
        var command = new ScsiCommand(cdb, dataOut is null ? default : dataOut.AsMemory(0, dataOutLength),
            dataIn is null ? default : dataIn.AsMemory(0, dataInLength), Session!.Nexus);
        ValueTask<ScsiResult> execution;
        try
        {
            execution = Entry!.Target.ExecuteAsync(lun, command, attribute, itt, Session.QueueDepth, _closed.Token);
        }
        catch (Exception e)
        {
            execution = ValueTask.FromException<ScsiResult>(e);
        }
        _ = CompleteAsync(itt, running, execution, dataOut, dataIn, reserved, expectedIn, dataOutLength, residual);
    }

    private async Task CompleteAsync(uint itt, Running running, ValueTask<ScsiResult> execution, byte[]? dataOut, byte[]? dataIn, int reserved, long expected, int written, Residual residual)
    {
        try
        {
            ScsiResult result;
            try
            {
                result = await execution.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                result = new ScsiResult(ScsiStatus.TaskAborted, SenseReason.None, 0);
            }
            catch (Exception e)
            {
                _portal.Log($"command {itt:x8} failed in the target: {e}");
                result = ScsiResult.Check(SenseReason.InternalTargetFailure);
            }
            Session!.Finished();
            Session.Count(Math.Min(result.DataLength, expected), written);
            if (!running.Answer() || _closed.IsCancellationRequested) return;
            var produced = result.DataLength;
            var sent = (int)Math.Min(produced, expected);
            if (residual == Residual.None && produced != expected)
                residual = produced > expected ? new Residual(ResidualOverflow, produced - expected) : new Residual(ResidualUnderflow, expected - produced);
            await SendResultAsync(itt, result, dataIn.AsMemory(0, sent), residual).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            Abort();
        }
        finally
        {
            _running.TryRemove(itt, out _);
            Return(dataOut, 0);
            Return(dataIn, reserved);
        }
    }

    // ---------------------------------------------------------------- buffer budget

    /// <summary>
    /// Reserves <paramref name="bytes"/> of buffer for a command, or answers it: TASK SET FULL when the
    /// session already holds its queue depth of maximum transfers, BUSY when the portal holds its
    /// limit (SAM-5 5.3.1). The command then never had a buffer; the initiator retries.
    /// </summary>
    private async ValueTask<bool> ReserveAsync(uint itt, int bytes, int maxTransfer)
    {
        if (bytes == 0) return true;
        var session = Session!;
        var sessionCap = (long)session.QueueDepth * maxTransfer;
        ScsiStatus status;
        if (Interlocked.Add(ref _buffered, bytes) > sessionCap) status = ScsiStatus.TaskSetFull;
        else if (!_portal.TryReserve(bytes)) status = ScsiStatus.Busy;
        else return true;
        Interlocked.Add(ref _buffered, -bytes);
        _portal.Log($"command {itt:x8} of {session.InitiatorName}: {bytes} bytes more would exceed the buffer budget ({status}); not started");
        session.Finished();
        await RespondAsync(itt, new ScsiResult(status, SenseReason.None, 0), 0, 0, 0).ConfigureAwait(false);
        return false;
    }

    private byte[]? Rent(int bytes) => bytes == 0 ? null : _portal.Buffers.Rent(bytes);

    /// <summary>Gives a command's buffer back to the pool and its reservation back to the budgets.</summary>
    private void Return(byte[]? buffer, int reserved)
    {
        if (buffer is not null) _portal.Buffers.Return(buffer);
        if (reserved == 0) return;
        Interlocked.Add(ref _buffered, -reserved);
        _portal.Unreserve(reserved);
    }

    private void Release(PendingWrite w) => Return(w.TakeBuffer(), w.Reserved);
}
