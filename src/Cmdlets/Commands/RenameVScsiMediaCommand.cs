using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Renames an optical medium or tape cartridge (VIOS chvopt -name); refused while loaded.</summary>
[Cmdlet(VerbsCommon.Rename, "VScsiMedia", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiMedia))]
public sealed class RenameVScsiMediaCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiMedia", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MediaNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, $"Rename to '{NewName}'")) return;
        var media = Use(s => s.RenameMedia(Name, NewName));
        if (media is not null && PassThru) WriteObject(new VScsiMedia(media, ResolvedSystemPath));
    }
}
