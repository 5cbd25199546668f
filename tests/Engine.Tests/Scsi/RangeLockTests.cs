using VScsi.Engine.Scsi.Block;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>Readers counted without a registered range still keep writers out, and writers keep later readers out.</summary>
public sealed class RangeLockTests
{
    [Fact]
    public async Task WriterWaitsForCountedReadersOfAnyRange()
    {
        var ranges = new RangeLock();
        var reader = await ranges.AcquireAsync(0, 8, exclusive: false, CancellationToken.None);
        var writer = ranges.AcquireAsync(100, 8, exclusive: true, CancellationToken.None).AsTask();
        Assert.False(writer.IsCompleted);
        reader.Dispose();
        (await writer).Dispose();
    }

    [Fact]
    public async Task ReaderAfterAWriterWaitsOnlyForAnOverlappingRange()
    {
        var ranges = new RangeLock();
        var writer = await ranges.AcquireAsync(0, 8, exclusive: true, CancellationToken.None);
        var disjoint = await ranges.AcquireAsync(8, 8, exclusive: false, CancellationToken.None);
        var overlapping = ranges.AcquireAsync(4, 8, exclusive: false, CancellationToken.None).AsTask();
        Assert.False(overlapping.IsCompleted);
        writer.Dispose();
        (await overlapping).Dispose();
        disjoint.Dispose();
        // With no writer left, readers and then a writer proceed at once.
        (await ranges.AcquireAsync(0, 8, exclusive: false, CancellationToken.None)).Dispose();
        Assert.True(ranges.AcquireAsync(0, 8, exclusive: true, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task CancelledWriterLetsReadersBackOnTheCountedPath()
    {
        var ranges = new RangeLock();
        var reader = await ranges.AcquireAsync(0, 8, exclusive: false, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var writer = ranges.AcquireAsync(0, 8, exclusive: true, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer);
        reader.Dispose();
        var writer2 = await ranges.AcquireAsync(0, 8, exclusive: true, CancellationToken.None);
        writer2.Dispose();
    }
}
