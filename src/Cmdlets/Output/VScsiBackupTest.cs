namespace VScsi.PowerShell.Output;

/// <summary>The outcome of Test-VScsiBackup: whether the archive and its chain are complete and every checksum matches.</summary>
public sealed record VScsiBackupTest(Guid Id, bool IsValid, string[] Archives, string[] Problems)
{
    /// <summary>The archive tested (the last of its chain).</summary>
    public string? Path => Archives.LastOrDefault();

    public override string ToString() => $"{Id}: {(IsValid ? "valid" : string.Join("; ", Problems))}";
}
