using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Renames a partition, picks its default profile, or changes its max virtual slots (only while not running).</summary>
[Cmdlet(VerbsCommon.Set, "VScsiPartition", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiPartition))]
public sealed class SetVScsiPartitionCommand : PartitionCommandBase
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    [Parameter]
    public int? MaxVirtualSlots { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? DefaultProfile { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var changes = new List<string>();
        if (NewName is not null) changes.Add($"rename to '{NewName}'");
        if (MaxVirtualSlots is not null) changes.Add($"set max virtual slots to {MaxVirtualSlots}");
        if (DefaultProfile is not null) changes.Add($"make '{DefaultProfile}' the default profile");
        if (changes.Count == 0 || !ShouldProcess(Name, string.Join(", ", changes))) return;
        var updated = Use(s => s.UpdatePartition(Name, NewName, MaxVirtualSlots, DefaultProfile));
        if (updated is not null && PassThru) WriteObject(new VScsiPartition(updated, ResolvedSystemPath));
    }
}
