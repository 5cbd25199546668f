using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates blank rewritable DVD-RAM media in a media repository (VIOS mkvopt -size).</summary>
[Cmdlet(VerbsCommon.New, "VScsiMedia", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiMedia))]
public sealed class NewVScsiMediaCommand : RepositoryCommandBase
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    public long Size { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, $"Create blank DVD-RAM media of {Size} bytes")) return;
        var media = Use(s => s.CreateBlankMedia(Partition, Name, Size));
        if (media is not null) WriteObject(new VScsiMedia(media, ResolvedSystemPath));
    }
}
