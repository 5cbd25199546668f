using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Changes a profile: -VirtualScsiAdapters takes HMC syntax, where a plain list (or
/// <c>virtual_scsi_adapters=</c>) replaces, <c>virtual_scsi_adapters+=</c> adds and
/// <c>virtual_scsi_adapters-=</c> removes. Changes take effect at the next activation.
/// </summary>
[Cmdlet(VerbsCommon.Set, "VScsiPartitionProfile", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiPartitionProfile))]
public sealed class SetVScsiPartitionProfileCommand : ProfileCommandBase
{
    [Parameter(Position = 2)]
    [ValidateNotNullOrEmpty]
    public string? VirtualScsiAdapters { get; set; }

    [Parameter]
    public int? MaxVirtualSlots { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var changes = new List<string>();
        if (VirtualScsiAdapters is not null) changes.Add($"apply '{VirtualScsiAdapters}'");
        if (MaxVirtualSlots is not null) changes.Add($"set max virtual slots to {MaxVirtualSlots}");
        if (NewName is not null) changes.Add($"rename to '{NewName}'");
        if (changes.Count == 0 || !ShouldProcess($"{Partition}/{Name}", string.Join(", ", changes))) return;
        var updated = Use(s => s.UpdateProfile(Partition, Name, VirtualScsiAdapters, MaxVirtualSlots, NewName));
        if (updated is not null && PassThru) WriteObject(new VScsiPartitionProfile(updated, ResolvedSystemPath));
    }
}
