namespace VScsi.Engine.Storage;

/// <summary>
/// The largest sizes VScsi accepts, checked before anything is created (issue 10, item 6), and the
/// checked sums of sizes. Each maximum is what the SCSI command set can address with room to spare
/// and what the common file systems can hold, so a size that passes here never overflows a sum of
/// a realistic number of them (2^63 / 2^46 = 131,072 disks) nor a <c>long</c> of bytes.
/// </summary>
public static class SizeLimits
{
    /// <summary>
    /// 64 TiB per disk image. READ CAPACITY(16) (SBC-4 5.20) could report 2^64 blocks, but a sparse
    /// image is one file: ext4 holds at most 16 TiB per file (4 KiB blocks), NTFS 256 TiB, XFS 8 EiB.
    /// 64 TiB is the product maximum; a file system that holds less refuses with VirtualDiskFileError.
    /// </summary>
    public const long MaxDiskBytes = 1L << 46;

    /// <summary>64 TiB per cartridge: twice LTO-10's 30 TB native capacity (the largest tape cartridge made).</summary>
    public const long MaxCartridgeBytes = 1L << 46;

    /// <summary>8 TiB per optical medium: READ CAPACITY(10) (MMC-6 6.23) gives the last 2048-byte sector as 32 bits.</summary>
    public const long MaxOpticalBytes = 2048L << 32;

    /// <summary>1 EiB for a storage pool's or media repository's size limit (a limit, not an allocation).</summary>
    public const long MaxPoolBytes = 1L << 60;

    /// <summary>Bytes in PowerShell's units for messages: "64 TiB".</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 60 when bytes % (1L << 60) == 0 => $"{bytes >> 60} EiB",
        >= 1L << 40 when bytes % (1L << 40) == 0 => $"{bytes >> 40} TiB",
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        _ => $"{bytes} bytes",
    };

    /// <summary>The sum of <paramref name="sizes"/>, or null when it exceeds a <c>long</c> (records written before these limits may hold anything).</summary>
    public static long? TrySum(IEnumerable<long> sizes)
    {
        long total = 0;
        foreach (var size in sizes)
        {
            if (size < 0 || total > long.MaxValue - size) return null;
            total += size;
        }
        return total;
    }
}
