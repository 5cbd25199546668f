using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VScsi.Engine.Storage;

/// <summary>
/// Hole punching and hole finding on Linux (fallocate PUNCH_HOLE, lseek SEEK_DATA/SEEK_HOLE), so
/// thin disks stay thin. Elsewhere, holes are not punched and every block counts as mapped.
/// </summary>
internal static partial class SparseFile
{
    private const int FallocFlKeepSize = 0x01;
    private const int FallocFlPunchHole = 0x02;
    private const int SeekEnd = 2;
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int Enxio = 6;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fallocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lseek(int fd, long offset, int whence);

    public static bool CanPunch => OperatingSystem.IsLinux();

    /// <summary>Deallocates a byte range; throws IOException when the file system refuses.</summary>
    public static void PunchHole(SafeFileHandle handle, long offset, long length)
    {
        if (fallocate(Fd(handle), FallocFlPunchHole | FallocFlKeepSize, offset, length) != 0)
            throw new IOException($"fallocate(PUNCH_HOLE) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Whether <paramref name="offset"/> lies in data, and where that data (or hole) ends.</summary>
    public static (bool Data, long End) Extent(SafeFileHandle handle, long offset, long fileLength)
    {
        if (!CanPunch) return (true, fileLength);
        var fd = Fd(handle);
        var data = lseek(fd, offset, SeekData);
        if (data < 0)
            return Marshal.GetLastPInvokeError() == Enxio ? (false, fileLength) : (true, fileLength);
        if (data > offset) return (false, data);
        var hole = lseek(fd, offset, SeekHole);
        return (true, hole < 0 ? fileLength : hole);
    }

    /// <summary>The length of a file or block device (fstat reports 0 for block devices; seeking to the end does not).</summary>
    public static long Length(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        if (length > 0 || !OperatingSystem.IsLinux()) return length;
        var end = lseek(Fd(handle), 0, SeekEnd);
        return end > 0 ? end : 0;
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
