using System.Management.Automation;
using VScsi.Engine.Backup;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Re-reads a backup and the chain it builds on, checking every checksum, the end markers and the links.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VScsiBackup", DefaultParameterSetName = "Catalog")]
[OutputType(typeof(VScsiBackupTest))]
public sealed class TestVScsiBackupCommand : BackupCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Catalog")]
    [ObjectNameTransformation("VScsiBackup", "Id")]                     // live or deserialized: the id finds it again
    [ArgumentCompleter(typeof(BackupIdCompleter))]
    public object Id { get; set; } = null!;

    /// <summary>Archive files to check as a chain, full backup first, without the catalog.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Files")]
    public string[] Archive { get; set; } = [];

    protected override void ProcessRecord()
    {
        IReadOnlyList<string> files;
        Guid id = Guid.Empty;
        if (ParameterSetName == "Files") files = Archive.Select(GetUnresolvedProviderPathFromPSPath).ToList();
        else
        {
            var catalog = Catalog(null);
            if (catalog is null || Find(catalog, Id) is not { } backup) return;
            id = backup.Id;
            try
            {
                files = PartitionBackups.ChainOf(catalog, backup).Select(b => b.Path).ToList();
            }
            catch (ServingException e)
            {
                WriteObject(new VScsiBackupTest(id, false, [backup.Path], [e.Message]));
                return;
            }
        }
        var result = RunWithProgress("Verifying", id, (progress, ct) => BackupChain.VerifyAsync(files, progress, ct));
        if (result is null) return;
        WriteObject(new VScsiBackupTest(id == Guid.Empty ? result.Archives.LastOrDefault()?.Header?.BackupId ?? Guid.Empty : id, result.IsValid,
            files.ToArray(), result.Problems.Select(p => p.ToString()).ToArray()));
    }
}
