namespace VScsi.Engine.Backup;

/// <summary>The result of verifying a chain: every archive's scan and all problems, chain faults included.</summary>
public sealed record VerificationResult(IReadOnlyList<ArchiveScan> Archives, IReadOnlyList<BackupProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Chain rules: the first archive is a full backup, each next one an incremental whose parent is
/// the archive before it, and every device of an incremental exists in the full with the same
/// block size and no smaller size.
/// </summary>
public static class BackupChain
{
    /// <summary>Checks the chain from the headers alone (the first member of each archive).</summary>
    public static IReadOnlyList<BackupProblem> Check(IReadOnlyList<(string Path, BackupHeader Header)> chain)
    {
        var problems = new List<BackupProblem>();
        if (chain.Count == 0) return [new BackupProblem(BackupProblemKind.BrokenChain, "", null, null, null, "No archive was given.")];
        if (chain[0].Header.Type != BackupType.Full)
            problems.Add(new BackupProblem(BackupProblemKind.BrokenChain, chain[0].Path, null, null, null,
                $"The chain starts with an incremental backup; its parent {chain[0].Header.ParentId} is missing."));
        var devices = chain[0].Header.Devices.ToDictionary(d => d.Name, StringComparer.Ordinal);
        for (var i = 1; i < chain.Count; i++)
        {
            var (path, header) = chain[i];
            var parent = chain[i - 1].Header;
            if (header.Type != BackupType.Incremental)
                problems.Add(new BackupProblem(BackupProblemKind.BrokenChain, path, null, null, null, "A full backup can only start a chain."));
            else if (header.ParentId != parent.BackupId)
                problems.Add(new BackupProblem(BackupProblemKind.BrokenChain, path, null, null, null,
                    $"Its parent is {header.ParentId} but the archive before it is {parent.BackupId}: the parent is missing or out of order."));
            foreach (var d in header.Devices)
            {
                if (!devices.TryGetValue(d.Name, out var base_))
                    problems.Add(new BackupProblem(BackupProblemKind.BrokenChain, path, d.Member, null, null, $"Device {d.Name} is not in the full backup."));
                else if (base_.BlockSize != d.BlockSize || d.Size < base_.Size)
                    problems.Add(new BackupProblem(BackupProblemKind.BrokenChain, path, d.Member, null, null,
                        $"Device {d.Name} has geometry {d.Size} bytes/{d.BlockSize} but {base_.Size} bytes/{base_.BlockSize} in the chain."));
                else devices[d.Name] = d;
            }
        }
        return problems;
    }

    /// <summary>Reads the first member of each archive.</summary>
    public static async Task<List<(string Path, BackupHeader Header)>> ReadHeadersAsync(IReadOnlyList<string> archives, CancellationToken cancellationToken)
    {
        var result = new List<(string, BackupHeader)>(archives.Count);
        foreach (var a in archives)
            result.Add((a, await BackupArchiveReader.ReadHeaderAsync(a, cancellationToken).ConfigureAwait(false)));
        return result;
    }

    /// <summary>Re-reads every archive, checks every checksum and end marker, then the chain.</summary>
    public static async Task<VerificationResult> VerifyAsync(IReadOnlyList<string> archives, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archives);
        var scans = new List<ArchiveScan>();
        var problems = new List<BackupProblem>();
        foreach (var a in archives)
        {
            var scan = await BackupArchiveReader.ScanAsync(a, null, progress, cancellationToken).ConfigureAwait(false);
            scans.Add(scan);
            problems.AddRange(scan.Problems);
        }
        if (scans.All(s => s.Header is not null)) problems.AddRange(Check(scans.Select(s => (s.Path, s.Header!)).ToList()));
        return new VerificationResult(scans, problems);
    }
}
