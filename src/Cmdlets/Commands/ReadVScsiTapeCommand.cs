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
        if (ResolveTape() is not var (device, tape)) return;
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        bool read;
        using (var destination = File.Create(path))
            read = RunTape(device, ct => tape.ReadFileAsync(destination, BlockSize, null, ct));
        if (read) WriteObject(new FileInfo(path));
        else File.Delete(path);                                           // no partial file that looks like the tape's
    }
}
