using System.Management.Automation;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Writes the configuration (or one server partition's) as JSON, without secrets (the VIOS viosbr idea).</summary>
[Cmdlet(VerbsData.Export, "VScsiConfiguration", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportVScsiConfigurationCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string? Partition { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!FilePaths.CheckOutput(this, path) || !ShouldProcess(path, "Write the configuration")) return;
        var json = Use(s => s.ExportConfiguration(Partition).ToJson());
        if (json is null || !FilePaths.WriteAll(this, path, json)) return;
        WriteObject(new FileInfo(path));
    }
}
