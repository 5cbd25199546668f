using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists the backup catalog, or rebuilds it from the archives found in a folder.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiBackup")]
[OutputType(typeof(VScsiBackup))]
public sealed class GetVScsiBackupCommand : BackupCommandBase
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string? Partition { get; set; }

    /// <summary>A folder of archives: each complete archive found is read and entered in the catalog.</summary>
    [Parameter]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var b in Catalog(Path) ?? [])
            if (Partition is null || string.Equals(b.Partition, Partition, StringComparison.OrdinalIgnoreCase))
                WriteObject(new VScsiBackup(b, ResolvedSystemPath));
    }
}
