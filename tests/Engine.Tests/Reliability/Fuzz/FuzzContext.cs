namespace VScsi.Reliability.Fuzz;

/// <summary>Phases of the fuzzer, each a separate stream of cases (a case is named by seed, phase and index).</summary>
public enum FuzzPhase
{
    PreLogin,
    Login,
    FullFeature,
    SingleCommand,
    Slow,
}

/// <summary>Kinds of broken invariant; each names what the target did wrong.</summary>
public enum FindingKind
{
    /// <summary>A case did not finish within its hang guard.</summary>
    CaseHung,

    /// <summary>The attacked connection neither answered a NOP-Out nor ended within the guard.</summary>
    ConnectionStuck,

    /// <summary>A well-framed SCSI command inside the window got no SCSI answer: the connection was dropped.</summary>
    CommandDropped,

    /// <summary>A login reached full feature phase on a CHAP target without a valid CHAP response (RFC 7143 12.1.3).</summary>
    ChapBypassed,

    /// <summary>A login with a wrong initiator or target name reached full feature phase.</summary>
    LoginAccepted,

    /// <summary>A fresh valid login with a WRITE/READ round trip failed after the cases before it.</summary>
    ProbeFailed,

    /// <summary>A block outside the scratch and probe ranges changed.</summary>
    CanaryChanged,

    /// <summary>Stopping the served partition did not complete within the guard.</summary>
    ShutdownHung,

    /// <summary>Stopping the served partition threw instead of completing.</summary>
    ShutdownFailed,

    /// <summary>A slow or idle connection outlived the login timeout or keep-alive by more than the guard.</summary>
    SlowConnectionKept,
}

/// <summary>One broken invariant, with what replays it.</summary>
public sealed record FuzzFinding(long Seed, FuzzPhase Phase, long Index, FindingKind Kind, string What)
{
    public override string ToString() => $"seed {Seed} {Phase} #{Index}: {Kind}: {What}";
}

/// <summary>What every case needs: the target, the opcodes it reports, the timeouts it was given, and the counters.</summary>
public sealed class FuzzContext(FuzzTarget target, IReadOnlyList<SupportedOpcode> opcodes)
{
    public FuzzTarget Target { get; } = target;

    /// <summary>The commands the target lists in REPORT SUPPORTED OPERATION CODES (SPC-5 6.35).</summary>
    public IReadOnlyList<SupportedOpcode> Opcodes { get; } = opcodes;

    /// <summary>The portal's login timeout and keep-alive interval (the slow phase waits this long plus <see cref="Guard"/>).</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a connection may take to answer or end after a case.</summary>
    public TimeSpan Guard { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle connections opened by the slow phase, and the pause between slow-loris bytes.</summary>
    public int IdleConnections { get; init; } = 32;
    public TimeSpan SlowLorisPause { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where cases describe every PDU they send (a replay's --trace); silent unless set.</summary>
    public Action<string>? Trace { get; init; }

    private long _pdus;
    private long _bytes;
    private long _attempts;

    public long Pdus => Interlocked.Read(ref _pdus);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Attempts => Interlocked.Read(ref _attempts);

    public void Count(FuzzWire wire)
    {
        Interlocked.Add(ref _pdus, wire.PdusSent);
        Interlocked.Add(ref _bytes, wire.BytesSent);
    }

    public void Attempted() => Interlocked.Increment(ref _attempts);
}

/// <summary>One entry of REPORT SUPPORTED OPERATION CODES: opcode, service action if any, and CDB length.</summary>
public sealed record SupportedOpcode(byte Opcode, ushort? ServiceAction, int CdbLength);
