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
