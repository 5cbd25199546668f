using System.Diagnostics;
using System.IO.Hashing;
using ZstdSharp;

namespace VScsi.Engine.Backup;

/// <summary>
/// Backs up every device of a partition into one archive (docs/formats.md, "Backup archives"):
/// served devices through one <see cref="SnapshotSet"/> (crash-consistent across devices, writers
/// paused only to mark the point), offline ones straight from their files. The archive is written
/// under a temporary name and renamed only when complete; on failure or cancellation it is
/// deleted and the changed-block trackers keep their changes. Verify and restore live in
/// <see cref="BackupChain"/> and <see cref="BackupRestorer"/>.
/// </summary>
public static class BackupEngine
{
    public const string PartialSuffix = ".partial";

    public static async Task<BackupResult> BackupAsync(BackupRequest request, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Devices.Count == 0) throw new ArgumentException("There is no device to back up.", nameof(request));
        if (request.Devices.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count() != request.Devices.Count)
            throw new ArgumentException("Two devices have the same name.", nameof(request));
        var stopwatch = Stopwatch.StartNew();
        var id = Guid.NewGuid();
        var created = DateTimeOffset.UtcNow;
        var path = ArchivePath(request, created, id);
        if (File.Exists(path)) throw new IOException($"{path} exists already; choose another destination.");
        var lives = request.Devices.Where(d => d.Live is not null).ToList();
        SnapshotSet? snapshots = null;
        var sources = new List<DeviceSource>();
        try
        {
            if (lives.Count > 0)
                snapshots = await SnapshotSet.CreateAsync(lives.Select(d => d.Live!).ToList(), request.CowFolder ?? Path.GetDirectoryName(path), cancellationToken).ConfigureAwait(false);
            foreach (var d in request.Devices)
                sources.Add(d.Live is null ? DeviceSource.FromFile(d) : DeviceSource.FromSnapshot(d, snapshots!.Snapshots[lives.IndexOf(d)]));
            var parent = request.Type == BackupType.Incremental ? IncrementalParent(sources) : (Guid?)null;
            var plans = sources.Select(s => Plan(s, request.Type)).ToList();
            var header = new BackupHeader(BackupMembers.FormatVersion, id, request.Type, parent, request.Partition, created,
                plans.Select(p => p.Info).ToList());
            var (archiveBytes, digest, stored) = await WriteArchiveAsync(path, request, header, plans, progress, cancellationToken).ConfigureAwait(false);
            foreach (var s in sources) s.Commit(id);
            if (snapshots is not null) foreach (var s in snapshots.Snapshots) s.CommitChanges(id);
            return new BackupResult(id, request.Type, parent, path, request.Devices.Select(d => d.Name).ToList(),
                sources.Sum(s => s.Size), stored, archiveBytes, stopwatch.Elapsed, snapshots?.PauseDuration ?? TimeSpan.Zero, digest);
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
            if (snapshots is not null) await snapshots.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The parent every device's tracker counts from; any lost or disagreeing tracker refuses the incremental.</summary>
    private static Guid IncrementalParent(List<DeviceSource> sources)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in sources)
            if (!s.Changes.TrackingValid) reasons[s.Device.Name] = s.Changes.LostReason ?? "tracking is not valid";
        var parents = sources.Where(s => s.Changes.TrackingValid).Select(s => s.Changes.BaseBackupId).Distinct().ToList();
        if (parents.Count > 1)
            foreach (var s in sources) reasons.TryAdd(s.Device.Name, $"its changes count from backup {s.Changes.BaseBackupId}, other devices' from another");
        if (reasons.Count > 0) throw new TrackingLostException(reasons);
        return parents[0];
    }

    /// <summary>Full: every data extent. Incremental: changed chunks that hold data; changed chunks that are holes now are listed as zeroed.</summary>
    private static DevicePlan Plan(DeviceSource source, BackupType type)
    {
        var info = new BackupDeviceInfo(source.Device.Name, Path.GetFullPath(source.Device.Path), source.Size, source.Device.BlockSize,
            BackupMembers.DiskMember(source.Device.Name));
        if (type == BackupType.Full)
            return new DevicePlan(info, ByteRange.Split(source.DataExtents(), BackupMembers.SegmentSize), [], source.Read);
        var changed = source.Changes.Changed.Where(c => c.Offset < source.Size)
            .Select(c => new ByteRange(c.Offset, Math.Min(c.End, source.Size) - c.Offset)).ToList();
        var stored = source.DataWithin(changed);
        return new DevicePlan(info, ByteRange.Split(stored, BackupMembers.SegmentSize), ByteRange.Subtract(changed, stored), source.Read);
    }

    private static async Task<(long Bytes, string Digest, long Stored)> WriteArchiveAsync(string path, BackupRequest request, BackupHeader header,
        List<DevicePlan> plans, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var temp = path + PartialSuffix;
        try
        {
            long length;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.None);   // page-cache writes: a 1 MiB buffer coalesces small extents, no thread-pool hop per write
            await using (file.ConfigureAwait(false))
            {
                var digesting = new DigestingStream(file);
                Stream tar = request.Compress ? new CompressionStream(digesting, request.CompressionLevel, 1 << 20, leaveOpen: true) : digesting;
                await using (tar.ConfigureAwait(false))
                {
                    var writer = new BackupArchiveWriter(tar, progress);
                    await writer.WriteAsync(header, request.Configuration, plans, cancellationToken).ConfigureAwait(false);
                    await tar.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                length = file.Length;
                File.Move(temp, path);
                return (length, BackupMembers.Hex(digesting.Digest), plans.Sum(p => p.StoredBytes));
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>In a folder: partition, UTC time, type and the id's first digits, so two backups in one second do not collide.</summary>
    private static string ArchivePath(BackupRequest request, DateTimeOffset created, Guid id)
    {
        if (!Directory.Exists(request.Destination)) return Path.GetFullPath(request.Destination);
        var name = $"{request.Partition}-{created.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{request.Type.ToString().ToLowerInvariant()}-{id.ToString("N")[..8]}.tar{(request.Compress ? ".zst" : "")}";
        return Path.Combine(Path.GetFullPath(request.Destination), name);
    }

    /// <summary>Passes writes through to the file and digests them (XXH128 of the archive file as stored).</summary>
    private sealed class DigestingStream(Stream inner) : Stream
    {
        private readonly XxHash128 _hash = new();
        public UInt128 Digest => _hash.GetCurrentHashAsUInt128();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.Append(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.Append(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
