using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// What New-VScsiServerAdapter and New-VScsiClientAdapter share. On a running partition the
/// adapter is added dynamically to the running configuration (and with -SaveToProfile to its
/// profile); otherwise to -Profile or the default profile.
/// </summary>
public abstract class NewAdapterCommandBase : VScsiCmdlet
{
    private protected abstract AdapterKind Kind { get; }
    private protected abstract string? Remote { get; }
    private protected abstract int? RemoteSlotNumber { get; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public int Slot { get; set; }

    [Parameter]
    public SwitchParameter Required { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    [Parameter]
    public SwitchParameter SaveToProfile { get; set; }

    protected override void ProcessRecord()
    {
        var kind = Kind == AdapterKind.Server ? "server" : "client";
        var where = Profile is null ? "" : $" in profile '{Profile}'";
        var remote = $"{Remote ?? "any partition"}/{(RemoteSlotNumber?.ToString() ?? "any slot")}";
        if (!ShouldProcess($"{Partition} slot {Slot}", $"Create virtual SCSI {kind} adapter to {remote}{where}")) return;
        var request = new AdapterRequest(Kind, Slot, Remote, RemoteSlotNumber, Required, Name);
        var added = Use(s => s.AddAdapter(Partition, request, Profile, SaveToProfile));
        if (added is not null) WriteObject(VScsiAdapter.Create(added, ResolvedSystemPath));
    }
}

/// <summary>What Get-VScsiServerAdapter and Get-VScsiClientAdapter share.</summary>
public abstract class GetAdapterCommandBase : PartitionListCommandBase
{
    private protected abstract AdapterKind Kind { get; }

    private protected override string ListedType => Kind == AdapterKind.Server ? "VScsiServerAdapter" : "VScsiClientAdapter";

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public int[]? Slot { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    protected override void ProcessRecord()
    {
        WriteListed((s, partition) => s.GetAdapters(partition, Kind, Profile).Where(a => Slot is null || Slot.Contains(a.Definition.Slot)),
            a => a.Name, Name, ConfigurationError.AdapterNotFound, "adapter", a => VScsiAdapter.Create(a, ResolvedSystemPath));
    }
}

/// <summary>
/// What Remove-VScsiServerAdapter and Remove-VScsiClientAdapter share. On a running partition
/// this is a dynamic remove from the running configuration (-SaveToProfile removes it from the
/// profile too); a required adapter needs -Force there.
/// </summary>
public abstract class RemoveAdapterCommandBase : VScsiCmdlet
{
    private const string ByName = "ByName";
    private const string BySlot = "BySlot";

    private protected abstract AdapterKind Kind { get; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiServerAdapter", "Name", "VScsiClientAdapter", "Name")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = BySlot)]
    public int Slot { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    [Parameter]
    public SwitchParameter SaveToProfile { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var profile = string.IsNullOrEmpty(Profile) ? null : Profile;
        var bySlot = ParameterSetName == BySlot;
        var target = $"{Partition}/{(bySlot ? $"slot {Slot}" : Name)}{(profile is null ? "" : $" in profile '{profile}'")}";
        if (!ShouldProcess(target, $"Remove virtual SCSI {Kind.ToString().ToLowerInvariant()} adapter")) return;
        var removed = Use(s => s.RemoveAdapter(Partition, Kind, bySlot ? null : Name, bySlot ? Slot : null, profile, SaveToProfile, Force));
        if (removed is not null && PassThru) WriteObject(VScsiAdapter.Create(removed, ResolvedSystemPath));
    }
}
