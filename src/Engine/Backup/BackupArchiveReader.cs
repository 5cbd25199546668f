using System.Buffers;
using System.IO.Hashing;
using ZstdSharp;

namespace VScsi.Engine.Backup;

/// <summary>Receives a device's extent data as the reader streams it (before its checksum is confirmed by the manifest).</summary>
internal delegate ValueTask ExtentSink(BackupDeviceInfo device, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

/// <summary>What one pass over an archive found: its header, manifest and end marker when readable, and every problem.</summary>
public sealed record ArchiveScan(string Path, BackupHeader? Header, BackupManifest? Manifest, BackupEndMarker? End, IReadOnlyList<BackupProblem> Problems)
{
    public bool IsValid => Problems.Count == 0 && Header is not null && Manifest is not null && End is not null;
}

/// <summary>
/// Streams one archive, plain or zstd (recognised by the zstd frame magic, RFC 8878 3.1.1),
/// once: every extent is hashed as it passes, compared with the manifest when it arrives, and the
/// end marker's seal is compared with the digest of every byte before it.
/// </summary>
internal static class BackupArchiveReader
{
    private const int BufferSize = 1 << 20;
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    public static Stream OpenArchive(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[4];
        var n = file.Read(magic);
        file.Position = 0;
        return n == 4 && magic.SequenceEqual(ZstdMagic) ? new DecompressionStream(file, BufferSize) : file;
    }

    /// <summary>Reads only the first member: enough to check a chain.</summary>
    public static async Task<BackupHeader> ReadHeaderAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenArchive(path);
        var tar = new TarStreamReader(stream);
        var member = await tar.NextAsync(cancellationToken).ConfigureAwait(false);
        if (member?.Name != BackupMembers.Header) throw new InvalidDataException($"{path} does not start with {BackupMembers.Header}: it is not a VScsi backup.");
        return BackupMembers.FromJson<BackupHeader>(await tar.ReadAllAsync(BackupMembers.MaxJsonBytes, cancellationToken).ConfigureAwait(false), member.Name);
    }

    public static async Task<ArchiveScan> ScanAsync(string path, ExtentSink? sink, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var state = new ScanState(path);
        try
        {
            await using var stream = OpenArchive(path);
            await ScanMembersAsync(new TarStreamReader(stream), state, sink, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            state.Problem(BackupProblemKind.Truncated, state.LastMember, null, null, $"{e.Message} The end marker is missing: the archive is incomplete.");
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or ZstdException or IOException && e is not FileNotFoundException)
        {
            state.Problem(BackupProblemKind.Format, state.LastMember, null, null, e.Message);
        }
        if (state.End is null && !state.Problems.Any(p => p.Kind == BackupProblemKind.Truncated))
            state.Problem(BackupProblemKind.Truncated, null, null, null, "The archive has no end marker: it is incomplete.");
        return new ArchiveScan(path, state.Header, state.Manifest, state.End, state.Problems);
    }

    private static async Task ScanMembersAsync(TarStreamReader tar, ScanState state, ExtentSink? sink, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var members = 0;
        while (await tar.NextAsync(cancellationToken).ConfigureAwait(false) is { } member)
        {
            cancellationToken.ThrowIfCancellationRequested();
            members++;
            state.LastMember = member.Name;
            if (state.End is not null) { state.Problem(BackupProblemKind.Format, member.Name, null, null, "A member follows the end marker."); continue; }
            if (members == 1 && member.Name != BackupMembers.Header)
                throw new InvalidDataException($"The first member is {member.Name}, not {BackupMembers.Header}: this is not a VScsi backup.");
            switch (member.Name)
            {
                case BackupMembers.Header:
                    state.Header = BackupMembers.FromJson<BackupHeader>(await tar.ReadAllAsync(BackupMembers.MaxJsonBytes, cancellationToken).ConfigureAwait(false), member.Name);
                    state.TotalBytes = 0;
                    break;
                case BackupMembers.Config:
                    state.ConfigDigest = BackupMembers.Hex(XxHash128.HashToUInt128(await tar.ReadAllAsync(BackupMembers.MaxJsonBytes, cancellationToken).ConfigureAwait(false)));
                    break;
                case BackupMembers.Manifest:
                    var json = await tar.ReadAllAsync(BackupMembers.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
                    state.ManifestDigest = BackupMembers.Hex(XxHash128.HashToUInt128(json));
                    state.Manifest = BackupMembers.FromJson<BackupManifest>(json, member.Name);
                    state.CheckManifest();
                    break;
                case BackupMembers.End:
                    state.End = BackupMembers.FromJson<BackupEndMarker>(await tar.ReadAllAsync(BackupMembers.MaxJsonBytes, cancellationToken).ConfigureAwait(false), member.Name);
                    state.CheckEnd(member.DigestBefore, members);
                    break;
                default:
                    if (!member.IsSparse || !member.Name.StartsWith(BackupMembers.DiskFolder, StringComparison.Ordinal))
                        throw new InvalidDataException($"Unexpected member {member.Name}.");
                    await ReadDiskAsync(tar, member, state, sink, progress, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static async Task ReadDiskAsync(TarStreamReader tar, TarMember member, ScanState state, ExtentSink? sink, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var device = state.Header?.Devices.FirstOrDefault(d => d.Member == member.Name)
            ?? throw new InvalidDataException($"Member {member.Name} is not a device of this backup.");
        var map = await tar.ReadSparseMapAsync(cancellationToken).ConfigureAwait(false);
        var computed = new List<ManifestExtent>(map.Count);
        var hash = new XxHash128();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            foreach (var extent in map)
            {
                if (extent.Length == 0) continue;
                if (extent.Offset < 0 || extent.End > member.RealSize)
                    throw new InvalidDataException($"Member {member.Name} maps an extent at {extent.Offset} beyond its size {member.RealSize}.");
                hash.Reset();
                for (long offset = extent.Offset; offset < extent.End;)
                {
                    var length = (int)Math.Min(BufferSize, extent.End - offset);
                    var n = await tar.ReadAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    if (n != length) throw new InvalidDataException($"Member {member.Name} holds less data than its sparse map says.");
                    hash.Append(buffer.AsSpan(0, n));
                    if (sink is not null) await sink(device, offset, buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    offset += n;
                    state.TotalBytes += n;
                    progress?.Report(new BackupProgress(state.TotalBytes, state.ExpectedBytes, device.Name));
                }
                computed.Add(new ManifestExtent(extent.Offset, extent.Length, BackupMembers.Hex(hash.GetCurrentHashAsUInt128())));
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        state.Computed[member.Name] = computed;
    }
}
