using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Deletes backups and their catalog entries; -KeepLast n keeps the newest n full backups of a partition with their incrementals.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Id")]
[OutputType(typeof(void))]
public sealed class RemoveVScsiBackupCommand : BackupCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Id")]
    [ObjectNameTransformation("VScsiBackup", "Id")]                     // live or deserialized: the id finds it again
    [ArgumentCompleter(typeof(BackupIdCompleter))]
    public object Id { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "Retention")]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string Partition { get; set; } = "";

    /// <summary>How many full backups (each with the incrementals built on it) to keep.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Retention")]
    [ValidateRange(1, int.MaxValue)]
    public int KeepLast { get; set; }

    protected override void ProcessRecord()
    {
        var catalog = Catalog(null);
        if (catalog is null) return;
        List<BackupRecord> doomed;
        if (ParameterSetName == "Id")
        {
            if (Find(catalog, Id) is not { } one) return;
            doomed = [one, .. Descendants(catalog, one.Id)];     // an incremental without its parent is useless
        }
        else
        {
            var fulls = catalog.Where(b => string.Equals(b.Partition, Partition, StringComparison.OrdinalIgnoreCase) && b.Type == "Full").ToList();
            doomed = fulls.Take(Math.Max(0, fulls.Count - KeepLast)).SelectMany(f => new[] { f }.Concat(Descendants(catalog, f.Id))).ToList();
        }
        foreach (var b in doomed.OrderByDescending(b => b.Created))
        {
            if (!ShouldProcess($"{b.Partition} {b.Type} backup {b.Id}", $"Delete '{b.Path}'")) continue;
            if (File.Exists(b.Path)) File.Delete(b.Path);
            Use(s => s.ForgetBackup(b.Id));
        }
    }

    private static IEnumerable<BackupRecord> Descendants(IReadOnlyList<BackupRecord> catalog, Guid id) =>
        catalog.Where(b => b.ParentId == id).SelectMany(c => new[] { c }.Concat(Descendants(catalog, c.Id)));
}
