using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates a blank tape cartridge (a SIMH tape image) in a server partition's media repository.</summary>
[Cmdlet(VerbsCommon.New, "VScsiTapeCartridge", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiMedia))]
public sealed class NewVScsiTapeCartridgeCommand : RepositoryCommandBase
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    public long Capacity { get; set; }

    /// <summary>A write-protected cartridge: reads work, writes answer DATA PROTECT.</summary>
    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, $"Create a tape cartridge of {Capacity} bytes")) return;
        var media = Use(s => s.CreateTapeCartridge(Partition, Name, Capacity, ReadOnly));
        if (media is not null) WriteObject(new VScsiMedia(media, ResolvedSystemPath));
    }
}
