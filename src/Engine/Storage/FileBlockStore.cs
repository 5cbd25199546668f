using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace VScsi.Engine.Storage;

/// <summary>
/// A disk image file (plain raw, sparse unless preallocated) read and written with
/// <see cref="RandomAccess"/> on one <see cref="SafeFileHandle"/>: positional and thread-safe, no
/// shared stream position. Reads past the end of a shorter file return zeros.
/// </summary>
public sealed class FileBlockStore : IBlockStore, IDisposable
{
    public const int DefaultBlockSize = 512;

    private readonly SafeFileHandle _handle;
    private long _blockCount;

    private FileBlockStore(SafeFileHandle handle, int blockSize, ulong blockCount, bool readOnly, string path)
    {
        _handle = handle;
        BlockSize = blockSize;
        _blockCount = (long)blockCount;
        IsReadOnly = readOnly;
        Path = path;
    }

    public string Path { get; }
    public int BlockSize { get; }
    public ulong BlockCount => (ulong)Interlocked.Read(ref _blockCount);

    public void Grow(ulong blockCount)
    {
        if (IsReadOnly) throw new UnauthorizedAccessException($"{Path} is open read-only.");
        if (blockCount < BlockCount)
            throw new ArgumentOutOfRangeException(nameof(blockCount), blockCount, $"A disk only grows; it has {BlockCount} blocks.");
        RandomAccess.SetLength(_handle, checked((long)blockCount * BlockSize));
        Interlocked.Exchange(ref _blockCount, (long)blockCount);
    }
    public bool IsReadOnly { get; }

    /// <summary>Creates a new image of <paramref name="sizeBytes"/> (sparse unless <paramref name="preallocate"/>); refuses to overwrite.</summary>
    public static FileBlockStore Create(string path, long sizeBytes, int blockSize = DefaultBlockSize, bool preallocate = false)
    {
        CheckBlockSize(blockSize);
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0)
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, $"The size must be a positive multiple of the block size {blockSize}.");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read,
            FileOptions.Asynchronous, preallocate ? sizeBytes : 0);
        try
        {
            RandomAccess.SetLength(handle, sizeBytes);
        }
        catch
        {
            handle.Dispose();   // the file system refused the length (EFBIG, ENOSPC): no empty image is left behind
            File.Delete(path);
            throw;
        }
        return new FileBlockStore(handle, blockSize, (ulong)(sizeBytes / blockSize), false, path);
    }

    /// <summary>Opens an existing image; its length in whole blocks is the capacity.</summary>
    public static FileBlockStore Open(string path, int blockSize = DefaultBlockSize, bool readOnly = false)
    {
        CheckBlockSize(blockSize);
        var handle = File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite,
            readOnly ? FileShare.ReadWrite : FileShare.Read, FileOptions.Asynchronous);
        var length = SparseFile.Length(handle);
        return new FileBlockStore(handle, blockSize, (ulong)(length / blockSize), readOnly, path);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var offset = checked((long)lba * BlockSize);
        var done = CachedRead.TryRead(_handle, destination.Span, offset);
        while (done < destination.Length)
        {
            var read = await RandomAccess.ReadAsync(_handle, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                destination.Span[done..].Clear(); // beyond the end of a short file: unwritten blocks read as zeros
                break;
            }
            done += read;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken)
    {
        if (IsReadOnly) throw new UnauthorizedAccessException($"{Path} is open read-only.");
        await RandomAccess.WriteAsync(_handle, source, checked((long)lba * BlockSize), cancellationToken).ConfigureAwait(false);
        if (forceUnitAccess)
            await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (!IsReadOnly) RandomAccess.FlushToDisk(_handle);
        return ValueTask.CompletedTask;
    }

    public bool IsThin => SparseFile.CanPunch && !IsReadOnly;

    public async ValueTask UnmapAsync(ulong lba, ulong blocks, CancellationToken cancellationToken)
    {
        if (IsReadOnly) throw new UnauthorizedAccessException($"{Path} is open read-only.");
        if (blocks == 0) return;
        var offset = checked((long)lba * BlockSize);
        var length = checked((long)blocks * BlockSize);
        if (SparseFile.CanPunch)
        {
            SparseFile.PunchHole(_handle, offset, length);
            return;
        }
        var zeros = new byte[Math.Min(length, 1 << 20)];
        for (long done = 0; done < length; done += zeros.Length)
            await RandomAccess.WriteAsync(_handle, zeros.AsMemory(0, (int)Math.Min(zeros.Length, length - done)), offset + done, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The length of an image file or block device, without keeping it open.</summary>
    public static long LengthOf(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return SparseFile.Length(handle);
    }

    public (bool Mapped, ulong Blocks) GetMapping(ulong lba)
    {
        var fileLength = SparseFile.Length(_handle);
        var offset = checked((long)lba * BlockSize);
        if (offset >= fileLength) return (false, BlockCount - lba); // beyond a short file: never written
        var (data, extentEnd) = SparseFile.Extent(_handle, offset, fileLength);
        extentEnd = Math.Min(extentEnd, (long)BlockCount * BlockSize);
        // Whole blocks only: a block holding any data is mapped.
        var endBlock = data ? (extentEnd + BlockSize - 1) / BlockSize : extentEnd / BlockSize;
        if (endBlock <= (long)lba) return (true, 1);
        return (data, (ulong)endBlock - lba);
    }

    public void Dispose() => _handle.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void CheckBlockSize(int blockSize)
    {
        if (blockSize is not (512 or 4096))
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "The block size must be 512 or 4096.");
    }
}
