using System.Buffers.Binary;
using System.Management.Automation;

namespace VScsi.PowerShell.Commands;

/// <summary>Writes whole blocks to a client device with WRITE(16), from -Data or streamed from -Path with progress.</summary>
[Cmdlet(VerbsCommunications.Write, "VScsiBlock", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Data")]
[OutputType(typeof(void))]
public sealed class WriteVScsiBlockCommand : ClientDeviceCommandBase
{
    private const int ChunkBytes = 1 << 20;

    [Parameter(Mandatory = true)]
    public ulong Lba { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Data")]
    [ValidateNotNull]
    public byte[] Data { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        using Stream? source = ParameterSetName == "Path" ? FilePaths.OpenInput(this, GetUnresolvedProviderPathFromPSPath(Path)) : new MemoryStream(Data, writable: false);
        if (source is null) return;
        var device = ResolveBlockDevice();
        if (device is null) return;
        if (source.Length == 0 || source.Length % device.BlockSize != 0)
        {
            ReportError("DataNotWholeBlocks", ErrorCategory.InvalidArgument, $"{source.Length} bytes are not a positive whole number of {device.BlockSize}-byte blocks.", device.Name);
            return;
        }
        var blocksTotal = (ulong)(source.Length / device.BlockSize);
        if (!ShouldProcess(device.Name, $"Write {blocksTotal} block(s) at LBA {Lba}")) return;
        var buffer = new byte[Math.Min(ChunkBytes - ChunkBytes % device.BlockSize, source.Length)];
        var progress = new ProgressRecord(1, $"Writing {device.Name}", "Writing");
        for (ulong done = 0; done < blocksTotal;)
        {
            var bytes = source.Read(buffer, 0, (int)Math.Min(buffer.Length, (long)(blocksTotal - done) * device.BlockSize));
            var blocks = (uint)(bytes / device.BlockSize);
            var cdb = BlockCdb(device, write: true, Lba + done, blocks);
            var r = Execute(device, cdb, buffer[..bytes], 0);
            if (!r.IsGood)
            {
                ReportScsiFailure(device, r, $"WRITE at LBA {Lba + done}");
                return;
            }
            done += blocks;
            progress.PercentComplete = (int)(100 * done / blocksTotal);
            WriteProgress(progress);
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }
}
