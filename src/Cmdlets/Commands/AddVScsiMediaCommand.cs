using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Adds an ISO image to a media repository (VIOS mkvopt -file), copied in unless -Reference.</summary>
[Cmdlet(VerbsCommon.Add, "VScsiMedia", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiMedia))]
public sealed class AddVScsiMediaCommand : RepositoryCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    [Parameter]
    public SwitchParameter Reference { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, Reference ? "Reference in the media repository" : "Copy into the media repository")) return;
        var media = Use(s => s.AddOpticalMedia(Partition, path, Name, ReadOnly, Reference));
        if (media is not null) WriteObject(new VScsiMedia(media, ResolvedSystemPath));
    }
}
