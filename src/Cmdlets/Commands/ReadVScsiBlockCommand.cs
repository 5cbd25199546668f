using System.Buffers.Binary;
using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Reads blocks from a client device with READ(16): returns the bytes, or writes them to -Path with progress.</summary>
[Cmdlet(VerbsCommunications.Read, "VScsiBlock")]
[OutputType(typeof(byte[]))]
public sealed class ReadVScsiBlockCommand : ClientDeviceCommandBase
{
    private const int ChunkBytes = 1 << 20;

    [Parameter(Mandatory = true)]
    public ulong Lba { get; set; }

    [Parameter]
    [ValidateRange(1, uint.MaxValue)]
    public uint Count { get; set; } = 1;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var path = Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path);
        if (path is not null && !FilePaths.CheckOutput(this, path)) return;
        var device = ResolveBlockDevice();
        if (device is null) return;
        var chunkBlocks = (uint)Math.Max(1, ChunkBytes / device.BlockSize);
        using var output = path is null ? null : FilePaths.CreateOutput(this, path);   // a temporary until every block is read
        if (path is not null && output is null) return;
        var file = output?.Stream;
        var all = file is null ? new MemoryStream() : null;
        var progress = new ProgressRecord(1, $"Reading {device.Name}", "Reading");
        for (uint done = 0; done < Count;)
        {
            var blocks = Math.Min(chunkBlocks, Count - done);
            var cdb = BlockCdb(device, write: false, Lba + done, blocks);
            var r = Execute(device, cdb, null, (int)blocks * device.BlockSize);
            if (!r.IsGood)
            {
                ReportScsiFailure(device, r, $"READ at LBA {Lba + done}");
                return;
            }
            try
            {
                (file ?? (Stream)all!).Write(r.Data);
            }
            catch (IOException e)                                         // a full disk: the temporary goes, nothing is left
            {
                FilePaths.ReportWriteFailed(this, path!, e);
                return;
            }
            done += blocks;
            if (file is not null)
            {
                progress.PercentComplete = (int)(100L * done / Count);
                WriteProgress(progress);
            }
        }
        if (output is not null)
        {
            if (!output.Commit(this)) return;
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        else WriteObject(all!.ToArray(), enumerateCollection: false);
    }
}
