using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates the media repository (VMLibrary) of a server partition (VIOS mkrep).</summary>
[Cmdlet(VerbsCommon.New, "VScsiMediaRepository", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiMediaRepository))]
public sealed class NewVScsiMediaRepositoryCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public long? Size { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(Partition, $"Create the media repository in '{path}'")) return;
        var repository = Use(s => s.CreateMediaRepository(Partition, path, Size));
        if (repository is not null) WriteObject(new VScsiMediaRepository(repository, ResolvedSystemPath));
    }
}
