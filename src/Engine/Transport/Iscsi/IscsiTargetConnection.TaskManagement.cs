using VScsi.Engine.Scsi;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>Task management requests (RFC 7143 11.5, SAM-5 7): aborts, task-set clears and resets on a connection's session.</summary>
internal sealed partial class IscsiTargetConnection
{
    private async Task OnTaskManagementAsync(Pdu pdu)
    {
        var session = Session!;
        if (!session.AcceptUntracked(pdu.U32(24), pdu.Immediate)) return;
        var function = (byte)(pdu.Flags & 0x7F);
        var lun = LunFormat.Decode(pdu.Header.AsSpan(8, 8));
        var target = Entry!.Target;
        var set = target.TaskSetOf(lun);
        byte response;
        switch (function)
        {
            case TaskFunction.AbortTask:
            {
                var referenced = pdu.U32(20);
                if (_writes.Remove(referenced, out var pending))
                {
                    Release(pending);
                    session.Finished();
                    response = TaskFunction.FunctionComplete;
                }
                else if (_running.TryGetValue(referenced, out var running) && running.Silence())
                {
                    target.TaskSetOf(running.Lun)?.AbortTask(session.Nexus, referenced);
                    await WaitForAsync(r => r == running).ConfigureAwait(false);
                    response = TaskFunction.FunctionComplete;
                }
                else
                {
                    // RFC 7143 11.5.1: a RefCmdSN still inside the window never arrived and now never will
                    // (function complete); one behind it was already answered (task does not exist).
                    response = (int)(pdu.U32(32) - session.Window().Exp) >= 0 ? TaskFunction.FunctionComplete : TaskFunction.TaskDoesNotExist;
                }
                break;
            }
            case TaskFunction.AbortTaskSet or TaskFunction.ClearTaskSet or TaskFunction.LogicalUnitReset:
                if (set is null)
                {
                    response = TaskFunction.LunDoesNotExist;
                    break;
                }
                DropWrites(w => w.Lun == lun);
                foreach (var r in _running.Values.Where(r => r.Lun == lun)) r.Silence();
                if (function == TaskFunction.AbortTaskSet) set.AbortTaskSet(session.Nexus);
                else if (function == TaskFunction.ClearTaskSet) set.ClearTaskSet(session.Nexus);
                else set.Reset();
                await WaitForAsync(r => r.Lun == lun).ConfigureAwait(false);
                response = TaskFunction.FunctionComplete;
                break;
            case TaskFunction.TargetWarmReset or TaskFunction.TargetColdReset:
                DropWrites(_ => true);
                foreach (var r in _running.Values) r.Silence();
                target.Reset();
                await WaitForAsync(_ => true).ConfigureAwait(false);
                response = TaskFunction.FunctionComplete;
                break;
            case TaskFunction.TaskReassign:
                response = TaskFunction.ReassignNotSupported;
                break;
            default:
                response = TaskFunction.FunctionNotSupported;
                break;
        }
        var reply = new Pdu(Opcode.TaskManagementResponse) { Flags = 0x80, Itt = pdu.Itt };
        reply.Header[2] = response;
        await SendAsync(reply, default, status: true).ConfigureAwait(false);
        if (function == TaskFunction.TargetColdReset && response == TaskFunction.FunctionComplete)
            _portal.CloseSessionsOf(Entry.Iqn);
    }

    private void DropWrites(Func<PendingWrite, bool> which)
    {
        foreach (var w in _writes.Values.Where(which).ToList())
        {
            _writes.Remove(w.Itt);
            Release(w);
            Session!.Finished();
        }
    }

    private async Task WaitForAsync(Func<Running, bool> which)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (_running.Values.Any(which) && Environment.TickCount64 < deadline) await Task.Delay(1).ConfigureAwait(false);
    }
}
