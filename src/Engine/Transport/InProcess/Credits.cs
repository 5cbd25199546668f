namespace VScsi.Engine.Transport.InProcess;

/// <summary>
/// A session's queue-depth credits (like SRP's request limit): while some are free a credit is
/// taken and returned with one interlocked operation each; a caller that finds none waits on a
/// semaphore, and a returned credit is handed to it through that semaphore.
/// </summary>
internal sealed class Credits(int count)
{
    private readonly SemaphoreSlim _handoff = new(0);
    private int _free = count;
    private int _waiting;

    /// <summary>Credits nobody holds: free ones and ones being handed to a waiter.</summary>
    public int Available => Volatile.Read(ref _free) + _handoff.CurrentCount;

    public ValueTask TakeAsync(CancellationToken cancellationToken) =>
        TryTake() ? ValueTask.CompletedTask : WaitAsync(cancellationToken);

    public void Return()
    {
        Interlocked.Increment(ref _free);
        // A waiter counts itself before it looks at _free, and this looks at _waiting after the
        // credit is free (both with full fences): either the waiter finds the credit or it is handed over.
        if (Volatile.Read(ref _waiting) > 0 && TryTake()) _handoff.Release();
    }

    private bool TryTake()
    {
        var free = Volatile.Read(ref _free);
        while (free > 0)
        {
            var seen = Interlocked.CompareExchange(ref _free, free - 1, free);
            if (seen == free) return true;
            free = seen;
        }
        return false;
    }

    private async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            if (TryTake()) return; // returned before this waiter was counted
            await _handoff.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }
}
