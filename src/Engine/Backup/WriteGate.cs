namespace VScsi.Engine.Backup;

/// <summary>
/// Counts in-flight writes and can hold new ones back: the "brief pause" that marks a snapshot
/// point. <see cref="PauseAsync"/> stops admitting writes and completes once the admitted ones
/// have finished; <see cref="Resume"/> lets the waiting writers go.
/// </summary>
internal sealed class WriteGate
{
    private readonly object _sync = new();
    private int _inFlight;
    private TaskCompletionSource? _resumed;
    private TaskCompletionSource? _drained;

    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_resumed is null)
            {
                _inFlight++;
                return ValueTask.CompletedTask;
            }
        }
        return EnterSlowAsync(cancellationToken);
    }

    private async ValueTask EnterSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_sync)
            {
                if (_resumed is null)
                {
                    _inFlight++;
                    return;
                }
                wait = _resumed.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Exit()
    {
        TaskCompletionSource? drained = null;
        lock (_sync)
        {
            if (--_inFlight == 0 && _drained is not null)
            {
                drained = _drained;
                _drained = null;
            }
        }
        drained?.TrySetResult();
    }

    /// <summary>Stops admitting writes; the task completes when none is in flight.</summary>
    public Task PauseAsync()
    {
        lock (_sync)
        {
            if (_resumed is not null) throw new InvalidOperationException("Writes are already paused.");
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight == 0) return Task.CompletedTask;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_sync)
        {
            resumed = _resumed;
            _resumed = null;
            _drained = null;
        }
        resumed?.TrySetResult();
    }
}
