namespace VScsi.Engine.Backup;

/// <summary>What a scan has seen so far, and the checks that compare it with the manifest and the end marker.</summary>
internal sealed class ScanState(string path)
{
    public List<BackupProblem> Problems { get; } = [];
    public Dictionary<string, List<ManifestExtent>> Computed { get; } = new(StringComparer.Ordinal);
    public BackupHeader? Header { get; set; }
    public BackupManifest? Manifest { get; set; }
    public BackupEndMarker? End { get; set; }
    public string? ConfigDigest { get; set; }
    public string? ManifestDigest { get; set; }
    public string? LastMember { get; set; }
    public long TotalBytes { get; set; }
    public long ExpectedBytes { get; set; }

    public void Problem(BackupProblemKind kind, string? member, long? offset, long? length, string message) =>
        Problems.Add(new BackupProblem(kind, path, member, offset, length, message));

    /// <summary>Every extent the manifest lists was read with the same checksum, and nothing else was stored.</summary>
    public void CheckManifest()
    {
        var manifest = Manifest!;
        if (Header is { } h && (h.BackupId != manifest.BackupId || h.Type != manifest.Type || h.ParentId != manifest.ParentId))
            Problem(BackupProblemKind.Format, BackupMembers.Manifest, null, null, "The manifest names another backup than the header.");
        if (ConfigDigest is null) Problem(BackupProblemKind.Missing, BackupMembers.Config, null, null, "The configuration member is missing.");
        else if (ConfigDigest != manifest.ConfigXxh128) Problem(BackupProblemKind.Corrupt, BackupMembers.Config, null, null, "checksum mismatch");
        foreach (var device in manifest.Devices)
        {
            if (!Computed.TryGetValue(device.Member, out var read))
            {
                Problem(BackupProblemKind.Missing, device.Member, null, null, $"The member of device {device.Name} is missing.");
                continue;
            }
            var byOffset = read.ToDictionary(e => e.Offset);
            foreach (var extent in device.Extents)
            {
                if (!byOffset.Remove(extent.Offset, out var got) || got.Length != extent.Length)
                    Problem(BackupProblemKind.Missing, device.Member, extent.Offset, extent.Length, "the extent is not stored in the member");
                else if (got.Xxh128 != extent.Xxh128)
                    Problem(BackupProblemKind.Corrupt, device.Member, extent.Offset, extent.Length, "checksum mismatch");
            }
            foreach (var extra in byOffset.Values)
                Problem(BackupProblemKind.Format, device.Member, extra.Offset, extra.Length, "the member stores an extent the manifest does not list");
        }
        foreach (var member in Computed.Keys.Where(m => manifest.Devices.All(d => d.Member != m)))
            Problem(BackupProblemKind.Format, member, null, null, "The manifest does not list this member.");
    }

    /// <summary>The end marker seals exactly the bytes read before it.</summary>
    public void CheckEnd(UInt128 digestBefore, int members)
    {
        var end = End!;
        if (Manifest is null) Problem(BackupProblemKind.Missing, BackupMembers.Manifest, null, null, "The manifest is missing.");
        else if (ManifestDigest != end.ManifestXxh128) Problem(BackupProblemKind.Corrupt, BackupMembers.Manifest, null, null, "checksum mismatch");
        if (BackupMembers.Hex(digestBefore) != end.ArchiveXxh128)
            Problem(BackupProblemKind.Corrupt, BackupMembers.End, null, null, "The archive's bytes do not match the end marker's seal.");
        if (end.Members != members) Problem(BackupProblemKind.Missing, BackupMembers.End, null, null, $"The end marker counts {end.Members} members; the archive has {members}.");
        if (Header is { } h && h.BackupId != end.BackupId) Problem(BackupProblemKind.Format, BackupMembers.End, null, null, "The end marker names another backup.");
    }
}
