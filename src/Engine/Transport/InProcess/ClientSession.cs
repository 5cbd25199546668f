using System.Runtime.CompilerServices;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Transport.InProcess;

/// <summary>The outcome of one command as a client sees it: status, sense bytes (empty unless CHECK CONDITION), data-in and residual.</summary>
public sealed record ScsiResponse(ScsiStatus Status, byte[] Sense, byte[] Data, int Residual)
{
    public bool IsGood => Status == ScsiStatus.Good;
}

/// <summary>
/// A client adapter's session with a server adapter in the same process: one I_T nexus, commands
/// handed straight to the target, and queue-depth credits (like SRP's request limit) so a client
/// waits for a free slot instead of overrunning the task set. Disposing ends the nexus: its
/// outstanding tasks are aborted and its unit attention state forgotten.
/// </summary>
public sealed class ClientSession : IClientSession
{
    private readonly ScsiTarget _target;
    private readonly Credits _credits;
    private readonly CancellationTokenSource _closing = new();
    private long _tag;
    private volatile bool _draining;

    public ClientSession(ScsiTarget target, string nexus, int queueDepth = TaskSet.DefaultQueueDepth)
    {
        if (queueDepth is < 1 or > TaskSet.MaxQueueDepth)
            throw new ArgumentOutOfRangeException(nameof(queueDepth), queueDepth, $"The queue depth must be 1 to {TaskSet.MaxQueueDepth}.");
        _target = target;
        Nexus = nexus;
        QueueDepth = queueDepth;
        _credits = new Credits(queueDepth);
    }

    public string Nexus { get; }

    public int QueueDepth { get; }

    public string Transport => "in-process";

    public ScsiTarget Target => _target;

    /// <summary>Runs a command with data-in written straight into <paramref name="dataIn"/> (no copies); returns the bytes transferred.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(ScsiStatus Status, byte[] Sense, int DataLength)> ExecuteAsync(ulong lun, ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> dataOut,
        Memory<byte> dataIn, TaskAttribute attribute = TaskAttribute.Simple, CancellationToken cancellationToken = default)
    {
        // Closing the session aborts its tasks through the task sets, so a caller without a token
        // needs no link to the session's own (a registration per command would cost more than the I/O).
        ObjectDisposedException.ThrowIf(_draining || _closing.IsCancellationRequested, this);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token) : null;
        var token = linked?.Token ?? CancellationToken.None;
        await _credits.TakeAsync(linked?.Token ?? _closing.Token).ConfigureAwait(false);
        try
        {
            var command = new ScsiCommand(cdb, dataOut, dataIn, Nexus);
            var tag = (ulong)Interlocked.Increment(ref _tag);
            var result = await _target.ExecuteAsync(lun, command, attribute, tag, QueueDepth, token).ConfigureAwait(false);
            var sense = Array.Empty<byte>();
            if (result.Status == ScsiStatus.CheckCondition)
            {
                sense = new byte[SenseWriter.FixedLength];
                SenseWriter.WriteFixed(result, sense);
            }
            return (result.Status, sense, result.DataLength);
        }
        finally
        {
            _credits.Return();
        }
    }

    /// <summary>
    /// Ends the session gracefully: no new commands are taken, commands in flight may finish
    /// (up to <paramref name="timeout"/>), then the nexus ends as in <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        _draining = true;
        var deadline = DateTime.UtcNow + timeout;
        while (_credits.Available < QueueDepth && DateTime.UtcNow < deadline)
            await Task.Delay(5).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _draining = true;
        await _closing.CancelAsync().ConfigureAwait(false);
        foreach (var lun in _target.Luns)
        {
            _target.TaskSetOf(lun)?.AbortTaskSet(Nexus);
            _target[lun]?.Attentions.Forget(Nexus);
            _target[lun]?.Reservations.Clear(Nexus);
        }
        _closing.Dispose();
    }
}
