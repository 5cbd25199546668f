namespace VScsi.Engine.Runtime;

/// <summary>
/// "Partition N is served by a process" (design section 4): an exclusive OS file lock on
/// <c>serve-&lt;id&gt;.lock</c> in the system folder, held by the serving process for as long as it
/// serves. The kernel drops the lock with the last descriptor of the file, so kill -9, a crash or a
/// power cut leave nothing that blocks the next start; a PID file or a database flag would.
/// </summary>
/// <remarks>
/// .NET implements <see cref="FileShare.None"/> on Linux and macOS as <c>flock(fd, LOCK_EX | LOCK_NB)</c>
/// on the opened descriptor (a lock of the open file description, not of the process, unlike POSIX
/// <c>fcntl</c> record locks, so a probe by another descriptor in the same process conflicts too and
/// closing an unrelated descriptor of the file does not drop it). Files are opened with O_CLOEXEC, so
/// a child process never inherits the lock. On Windows it is the share mode of the open handle.
/// The lock file is never deleted: a holder that deleted it on release could let a process that
/// opened the old file and one that created a new one both "hold" it.
/// </remarks>
public sealed class ServingLock : IDisposable
{
    /// <summary>A probe holds the lock for an instant: a start that meets one tries again this often before it concludes the partition is served.</summary>
    private const int Attempts = 5;
    private static readonly TimeSpan AttemptPause = TimeSpan.FromMilliseconds(20);

    private readonly FileStream _file;

    private ServingLock(FileStream file, int partitionId)
    {
        _file = file;
        PartitionId = partitionId;
    }

    public int PartitionId { get; }

    /// <summary>The lock file's path.</summary>
    public string Path => _file.Name;

    public static string PathOf(string folder, int partitionId) => System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), $"serve-{partitionId}.lock");

    /// <summary>Takes the lock, or returns null when a live process (this one included) holds it.</summary>
    public static ServingLock? TryAcquire(string folder, int partitionId)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (TryOpen(folder, partitionId) is { } file) return new ServingLock(file, partitionId);
            if (attempt == Attempts) return null;
            Thread.Sleep(AttemptPause);
        }
    }

    /// <summary>Whether a live process (this one included) holds the partition's serving lock.</summary>
    public static bool IsHeld(string folder, int partitionId)
    {
        if (!File.Exists(PathOf(folder, partitionId))) return false;
        using var probe = TryOpen(folder, partitionId);
        return probe is null;
    }

    private static FileStream? TryOpen(string folder, int partitionId)
    {
        try
        {
            return new FileStream(PathOf(folder, partitionId), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;   // EWOULDBLOCK from flock, ERROR_SHARING_VIOLATION on Windows
        }
    }

    /// <summary>Releases the lock (the file stays; see the remarks).</summary>
    public void Dispose() => _file.Dispose();
}
