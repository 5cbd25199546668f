using System.Management.Automation;
using VScsi.Engine.Backup;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// What the backup cmdlets share: running an engine operation on a worker while the pipeline
/// thread writes its progress (background threads never write to the pipeline), Ctrl+C cancelling
/// it, and refusals becoming error records with stable ids.
/// </summary>
public abstract class BackupCommandBase : VScsiCmdlet
{
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();
    private readonly object _gate = new();
    private BackupProgress _last;                                           // written by the worker, read by the pipeline thread, under _gate

    /// <summary>Queues a warning from the worker; the pipeline thread writes it.</summary>
    protected void Warn(string message) => _warnings.Enqueue(message);

    private void WriteWarnings()
    {
        while (_warnings.TryDequeue(out var w)) WriteWarning(w);
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Runs <paramref name="work"/>, showing its progress under <paramref name="activity"/>; null after writing an error.</summary>
    protected T? RunWithProgress<T>(string activity, object target, Func<IProgress<BackupProgress>, CancellationToken, Task<T>> work) where T : class
    {
        var progress = new SyncProgress(p => { lock (_gate) _last = p; });
        var task = Task.Run(() => work(progress, _stop.Token));
        var record = new ProgressRecord(2, activity, "Starting") { PercentComplete = 0 };
        WriteProgress(record);
        var started = DateTime.UtcNow;
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(250))
        {
            WriteWarnings();
            Show(record, Last(), started);
        }
        Show(record, Last(), started);                                        // the final figures, then done
        record.RecordType = ProgressRecordType.Completed;
        WriteProgress(record);
        WriteWarnings();
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            ReportError("BackupCancelled", ErrorCategory.OperationStopped, $"{activity} was stopped; nothing that looks complete was left behind.", target);
        }
        catch (BackupChainException e)
        {
            ReportError("BackupChainBroken", ErrorCategory.InvalidData, e.Message, target);
        }
        catch (ServingException e)
        {
            WriteError(new ErrorRecord(e, e.Error, ErrorCategory.InvalidOperation, e.Target ?? target));
        }
        catch (ConfigurationException e)
        {
            Report(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            ReportError("BackupIOFailed", ErrorCategory.WriteError, $"{activity} failed: {e.Message}", target);
        }
        return null;
    }

    private BackupProgress Last()
    {
        lock (_gate) return _last;
    }

    /// <summary>Writes bytes done of the total, the rate and the time left.</summary>
    private void Show(ProgressRecord record, BackupProgress p, DateTime started)
    {
        if (p.BytesTotal <= 0) return;
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        var rate = seconds > 0 ? p.BytesDone / seconds : 0;
        record.StatusDescription = $"{p.Device} {p.BytesDone >> 20} of {p.BytesTotal >> 20} MiB, {rate / (1 << 20):F0} MiB/s";
        record.PercentComplete = (int)Math.Min(100, 100 * p.BytesDone / p.BytesTotal);
        record.SecondsRemaining = rate > 0 ? (int)((p.BytesTotal - p.BytesDone) / rate) : -1;
        WriteProgress(record);
    }

    /// <summary>The catalog, or the archives found in <paramref name="folder"/> (entered in the catalog) when one is given.</summary>
    protected IReadOnlyList<BackupRecord>? Catalog(string? folder)
    {
        if (folder is null) return Use(s => s.GetBackups());
        var path = GetUnresolvedProviderPathFromPSPath(folder);
        if (!Directory.Exists(path))
        {
            ReportError("BackupFolderNotFound", ErrorCategory.ObjectNotFound, $"'{path}' is not a folder.", path);
            return null;
        }
        var found = PartitionBackups.ScanAsync(path, CancellationToken.None).GetAwaiter().GetResult();
        var recorded = new List<BackupRecord>();
        foreach (var b in found)
        {
            if (Use(s => s.RecordBackup(b)) is { } r) recorded.Add(r);      // an archive of a partition this system lacks is reported and skipped
        }
        return recorded;
    }

    /// <summary>One backup of the catalog by id (a GUID or a VScsiBackup object), or null after writing BackupNotFound.</summary>
    protected BackupRecord? Find(IReadOnlyList<BackupRecord> catalog, object id)
    {
        var value = id is PSObject pso ? pso.BaseObject : id;
        if (value is VScsiBackup b) value = b.Id;
        var found = Guid.TryParse(value.ToString(), out var guid) ? catalog.FirstOrDefault(r => r.Id == guid) : null;
        if (found is null) ReportError("BackupNotFound", ErrorCategory.ObjectNotFound, $"No backup '{value}' is in the catalog. Get-VScsiBackup lists them; -Path reads a folder.", value);
        return found;
    }

    private sealed class SyncProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
