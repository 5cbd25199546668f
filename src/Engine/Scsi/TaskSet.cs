using System.Runtime.CompilerServices;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi;

/// <summary>Task attributes (SAM-5 8.6): how a command is ordered against the others in the task set.</summary>
public enum TaskAttribute { Simple, Ordered, HeadOfQueue }

/// <summary>
/// The task set of one logical unit (SAM-5 8): SIMPLE tasks run concurrently but after any earlier
/// ORDERED task, an ORDERED task waits for every earlier task and holds back later ones, HEAD OF
/// QUEUE runs at once. Each nexus may have at most its queue depth of tasks outstanding, beyond
/// which it gets TASK SET FULL. Task management aborts tasks by tag, by nexus, or all of them.
/// </summary>
public sealed class TaskSet(LogicalUnit unit)
{
    public const int DefaultQueueDepth = 16;
    public const int MaxQueueDepth = 256;

    /// <summary>Entries kept for reuse; never more than this many (the deepest queue of a busy initiator).</summary>
    private const int MaxSpare = 64;

    private readonly List<Entry> _tasks = [];
    private readonly Stack<Entry> _spare = new();
    private readonly object _gate = new();

    /// <summary>
    /// A task in the set. Its completion task is made only when a later ORDERED task must wait for it.
    /// An entry whose cancellation source is not linked to a caller's token is reused after the task
    /// ends, unless task management picked it to abort: <see cref="Aborting"/> is set under the lock
    /// before the cancellation, so a source that may still be cancelled is never handed to a new task.
    /// </summary>
    private sealed class Entry(CancellationTokenSource abort, bool linked)
    {
        private TaskCompletionSource? _done;
        private bool _finished;

        public string Nexus { get; private set; } = "";
        public ulong Tag { get; private set; }
        public TaskAttribute Attribute { get; private set; }
        public CancellationTokenSource Abort { get; } = abort;
        public bool Linked { get; } = linked;

        /// <summary>Set under the task set's lock when task management is about to cancel this task.</summary>
        public bool Aborting { get; set; }

        /// <summary>Called under the task set's lock.</summary>
        public Task Done => _finished ? Task.CompletedTask : (_done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        /// <summary>Called under the task set's lock, on a new or reused entry.</summary>
        public Entry Start(string nexus, ulong tag, TaskAttribute attribute)
        {
            (Nexus, Tag, Attribute, _done, _finished) = (nexus, tag, attribute, null, false);
            return this;
        }

        /// <summary>Called under the task set's lock; returns the completion to signal outside it.</summary>
        public TaskCompletionSource? Finish()
        {
            _finished = true;
            return _done;
        }
    }

    public LogicalUnit Unit { get; } = unit;

    /// <summary>Runs a command in the task set; TASK SET FULL past <paramref name="queueDepth"/>, TASK ABORTED when aborted.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ScsiResult> ExecuteAsync(ScsiCommand command, TaskAttribute attribute, ulong tag, int queueDepth, CancellationToken cancellationToken)
    {
        Entry entry;
        Task[] before;
        lock (_gate)
        {
            var mine = 0;
            var ordered = 0;
            foreach (var t in _tasks)
            {
                if (t.Nexus == command.Nexus) mine++;
                if (t.Attribute == TaskAttribute.Ordered) ordered++;
            }
            if (mine >= Math.Clamp(queueDepth, 1, MaxQueueDepth))
                return new ScsiResult(ScsiStatus.TaskSetFull, SenseReason.None, 0);
            before = attribute switch
            {
                TaskAttribute.HeadOfQueue => [],
                TaskAttribute.Ordered => _tasks.Select(t => t.Done).ToArray(),
                _ when ordered == 0 => [],
                _ => _tasks.Where(t => t.Attribute == TaskAttribute.Ordered).Select(t => t.Done).ToArray(),
            };
            entry = Rent(cancellationToken).Start(command.Nexus, tag, attribute);
            if (attribute == TaskAttribute.HeadOfQueue) _tasks.Insert(0, entry);
            else _tasks.Add(entry);
        }
        try
        {
            if (before.Length > 0)
                await Task.WhenAll(before).WaitAsync(entry.Abort.Token).ConfigureAwait(false);
            return await Unit.ExecuteAsync(command, entry.Abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ScsiResult(ScsiStatus.TaskAborted, SenseReason.None, 0);
        }
        finally
        {
            TaskCompletionSource? waiters;
            bool reused;
            lock (_gate)
            {
                _tasks.Remove(entry);
                waiters = entry.Finish();
                reused = Return(entry);
            }
            waiters?.TrySetResult();
            if (!reused) entry.Abort.Dispose();
        }
    }

    /// <summary>Called under the lock: a spare entry, or a new one (linked to a token that can be cancelled; linking to one that cannot would only cost a registration).</summary>
    private Entry Rent(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled) return new Entry(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken), linked: true);
        return _spare.TryPop(out var spare) ? spare : new Entry(new CancellationTokenSource(), linked: false);
    }

    /// <summary>Called under the lock: keeps an ended entry for reuse unless its source is linked, was (or is being) cancelled, or enough are kept.</summary>
    private bool Return(Entry entry)
    {
        if (entry.Linked || entry.Aborting || _spare.Count >= MaxSpare || !entry.Abort.TryReset()) return false;
        _spare.Push(entry);
        return true;
    }

    /// <summary>ABORT TASK: the task with <paramref name="tag"/> from <paramref name="nexus"/>; false when there is none.</summary>
    public bool AbortTask(string nexus, ulong tag) => Abort(t => t.Nexus == nexus && t.Tag == tag) > 0;

    /// <summary>ABORT TASK SET: every task of <paramref name="nexus"/>.</summary>
    public int AbortTaskSet(string nexus) => Abort(t => t.Nexus == nexus);

    /// <summary>CLEAR TASK SET: every task; the other nexuses learn it from a unit attention.</summary>
    public int ClearTaskSet(string nexus)
    {
        var count = Abort(_ => true);
        Unit.Attentions.Raise(SenseReason.CommandsClearedByAnotherInitiator, except: nexus);
        return count;
    }

    /// <summary>LOGICAL UNIT RESET: every task aborted, the SPC-2 reservation dropped, a reset unit attention for every nexus.</summary>
    public void Reset()
    {
        Abort(_ => true);
        Unit.Reservations.Clear();
        Unit.Attentions.Raise(SenseReason.LogicalUnitReset);
    }

    private int Abort(Func<Entry, bool> which)
    {
        List<Entry> victims;
        lock (_gate)
        {
            victims = _tasks.Where(which).ToList();
            foreach (var v in victims) v.Aborting = true; // their sources are cancelled below, so they must not be reused
        }
        foreach (var v in victims)
        {
            try { v.Abort.Cancel(); }
            catch (ObjectDisposedException) { } // it completed meanwhile
        }
        return victims.Count;
    }
}
