namespace VScsi.Reliability.Fuzz;

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
