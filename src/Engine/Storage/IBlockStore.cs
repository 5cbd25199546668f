namespace VScsi.Engine.Storage;

/// <summary>Block storage behind a disk: positional, thread-safe reads and writes of whole blocks.</summary>
public interface IBlockStore : IAsyncDisposable
{
    int BlockSize { get; }
    ulong BlockCount { get; }

    /// <summary>Grows the store to <paramref name="blockCount"/> blocks (never shrinks: data would be lost).</summary>
    void Grow(ulong blockCount);
    bool IsReadOnly { get; }
    ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken);
    ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken);
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Whether unmapped blocks are deallocated (holes) rather than written as zeros.</summary>
    bool IsThin { get; }

    /// <summary>Deallocates blocks; they read back as zeros afterwards.</summary>
    ValueTask UnmapAsync(ulong lba, ulong blocks, CancellationToken cancellationToken);

    /// <summary>Whether the block at <paramref name="lba"/> is mapped, and how many blocks from it share that state.</summary>
    (bool Mapped, ulong Blocks) GetMapping(ulong lba);
}
