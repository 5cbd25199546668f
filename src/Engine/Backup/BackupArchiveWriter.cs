using System.Buffers;
using System.IO.Hashing;

namespace VScsi.Engine.Backup;

/// <summary>
/// Lays out one backup archive (docs/formats.md, "Backup archives"): <c>vscsi-backup.json</c>,
/// <c>vscsi-config.json</c>, one GNU sparse 1.0 member per device under <c>disks/</c>,
/// <c>vscsi-manifest.json</c> with an XXH128 per stored extent, and <c>vscsi-end.json</c> sealing
/// every byte before it; then the two zero blocks. Reads overlap writes (two 1 MiB buffers).
/// </summary>
internal sealed class BackupArchiveWriter(Stream output, IProgress<BackupProgress>? progress)
{
    private const int BufferSize = 1 << 20;

    private readonly TarStreamWriter _tar = new(output);
    private readonly XxHash128 _hash = new();
    private long _done;
    private long _total;

    public long TarBytes => _tar.Position;

    /// <summary>Writes the archive; returns the manifest and the end marker it sealed it with.</summary>
    public async Task<(BackupManifest Manifest, BackupEndMarker End)> WriteAsync(BackupHeader header, ReadOnlyMemory<byte> configuration,
        IReadOnlyList<DevicePlan> plans, CancellationToken cancellationToken)
    {
        _total = plans.Sum(p => p.StoredBytes);
        var created = header.Created;
        await _tar.WriteFileAsync(BackupMembers.Header, BackupMembers.ToJson(header), created, cancellationToken).ConfigureAwait(false);
        await _tar.WriteFileAsync(BackupMembers.Config, configuration, created, cancellationToken).ConfigureAwait(false);
        var devices = new List<ManifestDevice>(plans.Count);
        foreach (var plan in plans)
            devices.Add(await WriteDeviceAsync(plan, created, cancellationToken).ConfigureAwait(false));
        var manifest = new BackupManifest(BackupMembers.FormatVersion, header.BackupId, header.Type, header.ParentId, header.Partition,
            created, BackupMembers.ChecksumAlgorithm, BackupMembers.Hex(XxHash128.HashToUInt128(configuration.Span)), devices);
        var manifestJson = BackupMembers.ToJson(manifest);
        await _tar.WriteFileAsync(BackupMembers.Manifest, manifestJson, created, cancellationToken).ConfigureAwait(false);
        var end = new BackupEndMarker(header.BackupId, plans.Count + 4, _total,
            BackupMembers.Hex(XxHash128.HashToUInt128(manifestJson)), BackupMembers.Hex(_tar.Digest));
        await _tar.WriteFileAsync(BackupMembers.End, BackupMembers.ToJson(end), created, cancellationToken).ConfigureAwait(false);
        await _tar.WriteEndOfArchiveAsync(cancellationToken).ConfigureAwait(false);
        return (manifest, end);
    }

    private async Task<ManifestDevice> WriteDeviceAsync(DevicePlan plan, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var info = plan.Info;
        await _tar.BeginSparseAsync(info.Member, info.Size, plan.Stored, created, cancellationToken).ConfigureAwait(false);
        var extents = new List<ManifestExtent>(plan.Stored.Count);
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(BufferSize), ArrayPool<byte>.Shared.Rent(BufferSize) };
        Task pending = Task.CompletedTask;
        try
        {
            foreach (var extent in plan.Stored)
            {
                _hash.Reset();
                var current = 0;
                var length = (int)Math.Min(BufferSize, extent.Length);
                pending = plan.Read(extent.Offset, buffers[current].AsMemory(0, length), cancellationToken).AsTask();
                for (var offset = extent.Offset; offset < extent.End;)
                {
                    await pending.ConfigureAwait(false);
                    var data = buffers[current].AsMemory(0, length);
                    var next = offset + length;
                    var nextLength = (int)Math.Min(BufferSize, extent.End - next);
                    pending = nextLength > 0 ? plan.Read(next, buffers[1 - current].AsMemory(0, nextLength), cancellationToken).AsTask() : Task.CompletedTask;
                    _hash.Append(data.Span);
                    await _tar.WriteDataAsync(data, cancellationToken).ConfigureAwait(false);
                    _done += length;
                    progress?.Report(new BackupProgress(_done, _total, info.Name));
                    offset = next;
                    length = nextLength;
                    current = 1 - current;
                }
                await pending.ConfigureAwait(false);
                extents.Add(new ManifestExtent(extent.Offset, extent.Length, BackupMembers.Hex(_hash.GetCurrentHashAsUInt128())));
            }
        }
        finally
        {
            // A read still in flight must finish before its buffer goes back to the pool.
            try { await pending.ConfigureAwait(false); }
            catch (Exception) when (!pending.IsCompletedSuccessfully) { }
            foreach (var b in buffers) ArrayPool<byte>.Shared.Return(b);
        }
        await _tar.EndMemberAsync(cancellationToken).ConfigureAwait(false);
        return new ManifestDevice(info.Name, info.OriginalPath, info.Size, info.BlockSize, info.Member, plan.StoredBytes, extents, plan.Zeroed);
    }
}
