namespace VScsi.Engine.Backup;

/// <summary>What kind of fault a verification found.</summary>
public enum BackupProblemKind
{
    /// <summary>Stored data do not match their checksum.</summary>
    Corrupt,
    /// <summary>The archive ends before its end marker.</summary>
    Truncated,
    /// <summary>The archive is not laid out as a VScsi backup (bad header, bad JSON, unexpected member).</summary>
    Format,
    /// <summary>A member the manifest names is absent, or the other way round.</summary>
    Missing,
    /// <summary>A chain is not a full backup followed by its incrementals in order, or device geometry differs.</summary>
    BrokenChain,
}

/// <summary>One fault, located as precisely as the archive allows: the archive, the member, the extent.</summary>
public sealed record BackupProblem(BackupProblemKind Kind, string Archive, string? Member, long? Offset, long? Length, string Message)
{
    public override string ToString() =>
        $"{Kind}: {(Member is null ? $"archive {Path.GetFileName(Archive)}" : $"member {Member}")}" +
        (Offset is { } o ? $" extent at offset {o} length {Length}" : "") + $": {Message}";
}

/// <summary>A restore refused because the chain is incomplete or an archive is damaged; nothing was swapped in.</summary>
public sealed class BackupChainException(IReadOnlyList<BackupProblem> problems)
    : Exception("The backup cannot be restored: " + string.Join("; ", problems))
{
    public IReadOnlyList<BackupProblem> Problems { get; } = problems;
}

/// <summary>
/// An incremental backup was asked for but changed-block tracking cannot vouch for every change
/// (never started, a crash left it dirty, the image changed untracked, or devices disagree on
/// the parent): take a full backup instead.
/// </summary>
public sealed class TrackingLostException(IReadOnlyDictionary<string, string> reasons)
    : Exception("Changed-block tracking was lost; take a full backup. " + string.Join("; ", reasons.Select(r => $"{r.Key}: {r.Value}")))
{
    /// <summary>Why, per device name.</summary>
    public IReadOnlyDictionary<string, string> Reasons { get; } = reasons;
}
