using System.Management.Automation;

namespace VScsi.PowerShell.Commands;

/// <summary>Writes a file to a client's tape drive as records of -BlockSize, then a filemark (WRITE(6), WRITE FILEMARKS).</summary>
[Cmdlet(VerbsCommunications.Write, "VScsiTape", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class WriteVScsiTapeCommand : TapeCommandBase
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The record size; GNU tar's default record is 10240 bytes (-b 20).</summary>
    [Parameter]
    [ValidateRange(1, VScsi.Engine.Runtime.TapeClient.MaxRecord)]
    public int BlockSize { get; set; } = 10240;

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        using var source = FilePaths.OpenInput(this, path);
        if (source is null) return;
        if (ResolveTape() is not var (device, tape)) return;
        if (!ShouldProcess(device.Name, $"Write '{path}' in {BlockSize}-byte records")) return;
        var length = source.Length;
        var progress = new ProgressRecord(1, $"Writing {device.Name}", path);
        var done = 0L;
        var task = Task.Run(() => tape.WriteFileAsync(source, BlockSize, new Progress(b => Interlocked.Exchange(ref done, b)), StopToken));
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(200))     // progress from the pipeline thread only
        {
            progress.PercentComplete = length == 0 ? 100 : (int)(100 * Interlocked.Read(ref done) / length);
            WriteProgress(progress);
        }
        RunTape(device, _ => task);
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }
}

/// <summary>A synchronous IProgress (the Progress&lt;T&gt; class posts to a synchronization context the pipeline thread does not pump).</summary>
internal sealed class Progress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
