using System.Management.Automation;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>Unregisters a virtual disk no target device maps; -DeleteFile deletes its image too.</summary>
[Cmdlet(VerbsCommon.Remove, "VScsiVirtualDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class RemoveVScsiVirtualDiskCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiVirtualDisk", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter DeleteFile { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, DeleteFile ? "Remove virtual disk and delete its image file" : "Remove virtual disk (the image file is kept)")) return;
        var removed = Use(s => s.RemoveVirtualDisk(Name, DeleteFile));
        if (removed is not null && PassThru) WriteObject(new VScsiVirtualDisk(removed, ResolvedSystemPath));
    }
}
