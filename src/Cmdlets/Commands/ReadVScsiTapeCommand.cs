using System.Management.Automation;

namespace VScsi.PowerShell.Commands;

/// <summary>Reads records from a client's tape drive into a file, up to the next filemark or the end of data (READ(6)).</summary>
[Cmdlet(VerbsCommunications.Read, "VScsiTape")]
[OutputType(typeof(FileInfo))]
public sealed class ReadVScsiTapeCommand : TapeCommandBase
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The largest record expected (default 1 MiB); a longer record fails with TapeCommandFailed.</summary>
    [Parameter]
    [ValidateRange(1, VScsi.Engine.Runtime.TapeClient.MaxRecord)]
    public int BlockSize { get; set; } = 1 << 20;

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!FilePaths.CheckOutput(this, path)) return;
        if (ResolveTape() is not var (device, tape)) return;
        using var destination = FilePaths.CreateOutput(this, path);      // a temporary until complete: no partial file that looks like the tape's
        if (destination is null) return;
        if (RunTape(device, ct => tape.ReadFileAsync(destination.Stream, BlockSize, null, ct)) && destination.Commit(this))
            WriteObject(new FileInfo(path));
    }
}
