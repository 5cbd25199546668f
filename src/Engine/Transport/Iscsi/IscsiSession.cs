namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// A session as the target keeps it (RFC 7143 4.4): the initiator port (name and ISID, which is
/// the SCSI I_T nexus), the TSIH the target gave it, the negotiated parameters and the command
/// window. ExpCmdSN advances as commands arrive; MaxCmdSN leaves room for the queue depth less
/// the commands still running, so an initiator can never overrun the task set.
/// </summary>
public sealed class IscsiSession
{
    private readonly object _gate = new();
    private uint _expCmdSn;
    private int _inFlight;
    private long _commands;
    private long _bytesRead;
    private long _bytesWritten;

    internal IscsiSession(string initiatorName, ulong isid, ushort tsih, string? targetName, SessionParameters parameters, int queueDepth, uint cmdSn)
    {
        InitiatorName = initiatorName;
        Isid = isid;
        Tsih = tsih;
        TargetName = targetName;
        Parameters = parameters;
        QueueDepth = queueDepth;
        _expCmdSn = cmdSn;
        Nexus = $"{initiatorName},i,0x{isid:x12}";
    }

    public string InitiatorName { get; }
    public ulong Isid { get; }
    public ushort Tsih { get; }

    /// <summary>The target of a normal session; null for a discovery session.</summary>
    public string? TargetName { get; }

    public bool IsDiscovery => TargetName is null;
    public SessionParameters Parameters { get; }
    public int QueueDepth { get; }

    /// <summary>The SCSI initiator port name (RFC 7143 10.1.1): unit attentions and reservations are kept per nexus.</summary>
    public string Nexus { get; }

    public DateTime Started { get; } = DateTime.UtcNow;
    public string? RemoteEndPoint { get; internal set; }
    public int Connections { get; internal set; } = 1;
    public long Commands => Interlocked.Read(ref _commands);
    public long BytesRead => Interlocked.Read(ref _bytesRead);
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    internal IscsiTargetConnection? Connection { get; set; }

    internal void Count(long read, long written)
    {
        Interlocked.Increment(ref _commands);
        if (read > 0) Interlocked.Add(ref _bytesRead, read);
        if (written > 0) Interlocked.Add(ref _bytesWritten, written);
    }

    /// <summary>(ExpCmdSN, MaxCmdSN) as of now.</summary>
    internal (uint Exp, uint Max) Window()
    {
        lock (_gate) return (_expCmdSn, _expCmdSn - 1 + (uint)Math.Max(0, QueueDepth - _inFlight));
    }

    /// <summary>
    /// Accepts a command's CmdSN: immediate commands always; others only within [ExpCmdSN, MaxCmdSN]
    /// (RFC 7143 4.2.2.1: anything outside is silently ignored). Counts it as running.
    /// </summary>
    internal bool Accept(uint cmdSn, bool immediate)
    {
        lock (_gate)
        {
            if (!immediate)
            {
                var max = _expCmdSn - 1 + (uint)Math.Max(0, QueueDepth - _inFlight);
                if ((int)(cmdSn - _expCmdSn) < 0 || (int)(max - cmdSn) < 0) return false;
                _expCmdSn = cmdSn + 1;
            }
            _inFlight++;
            return true;
        }
    }

    /// <summary>Advances the window for a non-immediate PDU that runs no task (NOP-Out, Text, Logout); false when outside it.</summary>
    internal bool AcceptUntracked(uint cmdSn, bool immediate)
    {
        if (!Accept(cmdSn, immediate)) return false;
        Finished();
        return true;
    }

    internal void Finished()
    {
        lock (_gate) _inFlight--;
    }
}
