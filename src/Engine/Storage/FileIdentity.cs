using System.Runtime.InteropServices;

namespace VScsi.Engine.Storage;

/// <summary>
/// Which file a path names, whatever the path: the device and inode on Linux (statx(2), whose
/// <c>struct statx</c> has one layout on every architecture), the volume serial and file index on
/// Windows (GetFileInformationByHandle), so a symbolic or hard link to a file compares equal to it.
/// Elsewhere, or when the file cannot be asked, the fully resolved path stands in.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, string? ResolvedPath)
{
    /// <summary>The identity of an existing file, or null when nothing is there.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return null;
        var resolved = Resolve(path);
        if (OperatingSystem.IsLinux() && Linux.TryStat(resolved, out var device, out var inode)) return new(device, inode, null);
        if (OperatingSystem.IsWindows() && Windows.TryIdentify(resolved, out device, out inode)) return new(device, inode, null);
        return new(0, 0, resolved);
    }

    /// <summary>The path with every symbolic link along it followed.</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;   // a link loop: compared as written
        }
    }

    private static class Linux
    {
        private const int AtFdCwd = -100;
        private const uint StatxIno = 0x100;
        private const int StatxSize = 256;
        private const int InoOffset = 32, DevMajorOffset = 136, DevMinorOffset = 140;

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

        public static bool TryStat(string path, out ulong device, out ulong inode)
        {
            device = inode = 0;
            var buffer = new byte[StatxSize];
            try
            {
                if (statx(AtFdCwd, path, 0, StatxIno, buffer) != 0) return false;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;   // a libc without statx (glibc before 2.28, musl before 1.2.5)
            }
            // struct statx is in the machine's byte order.
            inode = MemoryMarshal.Read<ulong>(buffer.AsSpan(InoOffset));
            device = ((ulong)MemoryMarshal.Read<uint>(buffer.AsSpan(DevMajorOffset)) << 32) | MemoryMarshal.Read<uint>(buffer.AsSpan(DevMinorOffset));
            return true;
        }
    }

    private static class Windows
    {
        [StructLayout(LayoutKind.Sequential)]
        private struct ByHandleFileInformation
        {
            public uint FileAttributes;
            public long CreationTime, LastAccessTime, LastWriteTime;
            public uint VolumeSerialNumber, FileSizeHigh, FileSizeLow, NumberOfLinks, FileIndexHigh, FileIndexLow;
        }

        [DllImport("kernel32", SetLastError = true)]
        private static extern bool GetFileInformationByHandle(Microsoft.Win32.SafeHandles.SafeFileHandle handle, out ByHandleFileInformation information);

        public static bool TryIdentify(string path, out ulong device, out ulong index)
        {
            device = index = 0;
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (!GetFileInformationByHandle(handle, out var info)) return false;
                device = info.VolumeSerialNumber;
                index = ((ulong)info.FileIndexHigh << 32) | info.FileIndexLow;
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
