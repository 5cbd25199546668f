using VScsi.Engine.Transport.InProcess;

namespace VScsi.Engine.Tests.Transport;

/// <summary>Queue-depth credits: free ones are taken at once, a returned one goes to a waiter, a cancelled waiter takes none.</summary>
public sealed class CreditsTests
{
    [Fact]
    public async Task ReturnedCreditGoesToTheWaiter()
    {
        var credits = new Credits(2);
        Assert.True(credits.TakeAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(credits.TakeAsync(CancellationToken.None).IsCompletedSuccessfully);
        var waiter = credits.TakeAsync(CancellationToken.None).AsTask();
        Assert.False(waiter.IsCompleted);
        Assert.Equal(0, credits.Available);
        credits.Return();
        await waiter;
        Assert.Equal(0, credits.Available);
        credits.Return();
        credits.Return();
        Assert.Equal(2, credits.Available);
    }

    [Fact]
    public async Task CancelledWaiterTakesNoCredit()
    {
        var credits = new Credits(1);
        await credits.TakeAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiter = credits.TakeAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        credits.Return();
        Assert.Equal(1, credits.Available);
        await credits.TakeAsync(CancellationToken.None);
        Assert.False(credits.TakeAsync(CancellationToken.None).IsCompleted);
    }
}
