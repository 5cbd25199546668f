namespace VScsi.Engine.Storage;

/// <summary>Block storage behind a disk: positional, thread-safe reads and writes of whole blocks.</summary>
public interface IBlockStore : IAsyncDisposable
{
    int BlockSize { get; }
    ulong BlockCount { get; }
    bool IsReadOnly { get; }
    ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken);
    ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken);
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
