using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Checks every partition's current configuration and returns one finding per problem: unpaired
/// adapters, pairs that point at each other wrongly, required adapters that cannot pair.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VScsiConfiguration")]
[OutputType(typeof(VScsiConfigurationFinding), typeof(bool))]
public sealed class TestVScsiConfigurationCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    /// <summary>Return only $true (no findings) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    private readonly List<VScsiConfigurationFinding> _findings = [];
    private bool _failed;

    protected override void ProcessRecord()
    {
        var findings = Use(s =>
        {
            var names = Partition?.Select(p => s.GetPartition(p).Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return s.Test().Where(f => names is null || names.Contains(f.Partition)).ToList();
        });
        if (findings is null) { _failed = true; return; }
        foreach (var f in findings)
        {
            var finding = new VScsiConfigurationFinding(f, ResolvedSystemPath);
            if (Quiet) _findings.Add(finding);
            else WriteObject(finding);
        }
    }

    protected override void EndProcessing()
    {
        if (Quiet && !_failed) WriteObject(_findings.Count == 0);
    }
}
