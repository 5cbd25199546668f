using Microsoft.Win32.SafeHandles;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Backup;

/// <summary>A device to restore, and where to (null: its original path).</summary>
public sealed record RestoreTarget(string Device, string? TargetPath = null);

/// <summary>A restored device: where it went and how many bytes of data were written.</summary>
public sealed record RestoredDevice(string Device, string Path, long Size, long DataBytes);

/// <summary>
/// Restores devices from a full backup and its incrementals, in order. Each device is written to
/// <c>&lt;target&gt;.restore-tmp</c>, sparse (only stored extents are written; holes stay holes;
/// ranges an incremental recorded as unmapped are punched), and renamed over the target only when
/// every archive was read and every checksum matched.
/// </summary>
public static class BackupRestorer
{
    public const string TemporarySuffix = ".restore-tmp";

    public static async Task<IReadOnlyList<RestoredDevice>> RestoreAsync(IReadOnlyList<string> chain, IReadOnlyList<RestoreTarget>? targets,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var headers = await BackupChain.ReadHeadersAsync(chain, cancellationToken).ConfigureAwait(false);
        var problems = BackupChain.Check(headers);
        if (problems.Count > 0) throw new BackupChainException(problems);
        var full = headers[0].Header;
        targets ??= full.Devices.Select(d => new RestoreTarget(d.Name)).ToList();
        var open = new Dictionary<string, (string Target, string Temp, SafeFileHandle Handle, long[] Bytes)>(StringComparer.Ordinal);
        try
        {
            foreach (var t in targets)
            {
                var device = full.Devices.FirstOrDefault(d => d.Name == t.Device)
                    ?? throw new ArgumentException($"Device {t.Device} is not in the backup; it has {string.Join(", ", full.Devices.Select(d => d.Name))}.", nameof(targets));
                var target = Path.GetFullPath(t.TargetPath ?? device.OriginalPath);
                var temp = target + TemporarySuffix;
                var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
                RandomAccess.SetLength(handle, device.Size);
                open.Add(device.Name, (target, temp, handle, [0]));
            }
            foreach (var (path, header) in headers)
                await ApplyAsync(path, header, open, progress, cancellationToken).ConfigureAwait(false);
            var restored = new List<RestoredDevice>();
            foreach (var (name, o) in open)
            {
                RandomAccess.FlushToDisk(o.Handle);
                var size = RandomAccess.GetLength(o.Handle);
                o.Handle.Dispose();
                File.Move(o.Temp, o.Target, overwrite: true);
                restored.Add(new RestoredDevice(name, o.Target, size, o.Bytes[0]));
            }
            open.Clear();
            return restored;
        }
        finally
        {
            foreach (var o in open.Values)
            {
                o.Handle.Dispose();
                File.Delete(o.Temp);
            }
        }
    }

    private static async Task ApplyAsync(string path, BackupHeader header,
        Dictionary<string, (string Target, string Temp, SafeFileHandle Handle, long[] Bytes)> open,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var d in header.Devices)
            if (open.TryGetValue(d.Name, out var o) && RandomAccess.GetLength(o.Handle) < d.Size) RandomAccess.SetLength(o.Handle, d.Size);
        var scan = await BackupArchiveReader.ScanAsync(path, async (device, offset, data, ct) =>
        {
            if (!open.TryGetValue(device.Name, out var o)) return;
            await RandomAccess.WriteAsync(o.Handle, data, offset, ct).ConfigureAwait(false);
            o.Bytes[0] += data.Length;
        }, progress, cancellationToken).ConfigureAwait(false);
        if (!scan.IsValid) throw new BackupChainException(scan.Problems);
        foreach (var d in scan.Manifest!.Devices)
        {
            if (!open.TryGetValue(d.Name, out var o)) continue;
            foreach (var z in d.Zeroed) await ZeroAsync(o.Handle, z, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes a range read as zeros again: a hole where the file system can punch one.</summary>
    private static async ValueTask ZeroAsync(SafeFileHandle handle, ByteRange range, CancellationToken cancellationToken)
    {
        if (SparseFile.CanPunch)
        {
            try
            {
                SparseFile.PunchHole(handle, range.Offset, range.Length);
                return;
            }
            catch (IOException) { }
        }
        var zeros = new byte[Math.Min(range.Length, 1 << 20)];
        for (var o = range.Offset; o < range.End; o += zeros.Length)
            await RandomAccess.WriteAsync(handle, zeros.AsMemory(0, (int)Math.Min(zeros.Length, range.End - o)), o, cancellationToken).ConfigureAwait(false);
    }
}
