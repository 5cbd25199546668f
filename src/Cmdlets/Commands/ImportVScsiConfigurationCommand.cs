using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Adds the configuration in an export (Export-VScsiConfiguration, or vscsi-config.json of a backup)
/// to this system, after checking it on a copy of the database (the viosbr -restore idea).
/// </summary>
[Cmdlet(VerbsData.Import, "VScsiConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VScsiImportFinding))]
public sealed class ImportVScsiConfigurationCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Only check: report what would be created, what exists and what conflicts, and change nothing.</summary>
    [Parameter]
    public SwitchParameter Validate { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        byte[] json;
        using (var file = FilePaths.OpenInput(this, path))
        {
            if (file is null) return;
            try
            {
                using var copy = new MemoryStream();
                file.CopyTo(copy);
                json = copy.ToArray();
            }
            catch (IOException e)
            {
                ReportError(ErrorIds.InputFileUnreadable, ErrorCategory.ReadError, $"Cannot read '{path}': {e.Message}", path);
                return;
            }
        }
        var findings = Use(s =>
        {
            var export = ManagedSystem.ParseExport(json);
            var trial = s.ValidateImport(export);
            if (Validate || trial.Any(f => f.Outcome == ImportOutcome.Error)) return (Trial: true, Findings: trial);
            return ShouldProcess(path, "Import the configuration") ? (Trial: false, Findings: s.ImportConfiguration(export)) : (Trial: true, Findings: (IReadOnlyList<ImportFinding>)[]);
        });
        if (findings.Findings is null) return;
        foreach (var f in findings.Findings)
        {
            if (f.Outcome == ImportOutcome.Error)
                ReportError(ErrorIds.For(ConfigurationError.ImportConflict), ErrorCategory.InvalidData, $"{f.Item}: {f.Message}", f.Item);
            WriteObject(new VScsiImportFinding(f, ResolvedSystemPath));
        }
        if (findings.Trial && !Validate && findings.Findings.Any(f => f.Outcome == ImportOutcome.Error))
            ReportError("ImportRefused", ErrorCategory.InvalidData, "Nothing was imported: the check found the errors above. Fix them (or remove what conflicts) and import again.", path);
    }
}
