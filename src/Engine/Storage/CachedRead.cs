using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VScsi.Engine.Storage;

/// <summary>
/// A read that succeeds only from the page cache: preadv2 with RWF_NOWAIT (Linux 4.14+) returns
/// what is cached without blocking and EAGAIN when the data would need the disk. A hit is served
/// on the calling thread (well under a microsecond for 4 KiB; reads up to <see cref="MaxLength"/>), saving the thread-pool round trip
/// of an asynchronous read; a miss falls back to <see cref="RandomAccess.ReadAsync(SafeFileHandle, Memory{byte}, long, CancellationToken)"/>,
/// so a slow disk never blocks the caller.
/// </summary>
internal static unsafe partial class CachedRead
{
    private const int RwfNowait = 0x08;

    /// <summary>Larger reads go to the thread pool anyway: the copy dwarfs the hop, and the caller (an iSCSI connection loop) stays free.</summary>
    public const int MaxLength = 64 * 1024;
    private static volatile bool _unsupported = !OperatingSystem.IsLinux();

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint preadv2(int fd, IoVec* iov, int iovcnt, long offset, int flags);

    /// <summary>Reads what the page cache holds at <paramref name="offset"/>, up to the span; 0 when nothing could be read without waiting.</summary>
    public static int TryRead(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        if (_unsupported || destination.IsEmpty || destination.Length > MaxLength) return 0;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            fixed (byte* p = destination)
            {
                var iov = new IoVec { Base = p, Length = (nuint)destination.Length };
                var n = preadv2((int)handle.DangerousGetHandle(), &iov, 1, offset, RwfNowait);
                if (n >= 0) return (int)n;
                if (Marshal.GetLastPInvokeError() is 38 or 95) _unsupported = true;   // ENOSYS, EOPNOTSUPP: not on this kernel or file system
                return 0;
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
