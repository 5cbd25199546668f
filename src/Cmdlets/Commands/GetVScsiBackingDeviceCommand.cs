using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Lists the backing devices of storage pools. A piped pool lists its own devices; a piped backing
/// device narrows to itself (never to every device of its pool).
/// </summary>
[Cmdlet(VerbsCommon.Get, "VScsiBackingDevice")]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class GetVScsiBackingDeviceCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Pool")]
    [ObjectNameTransformation("VScsiStoragePool", "Name")]
    [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
    public string[]? PoolName { get; set; }

    /// <summary>The piped object itself: a pool lists its devices, a backing device narrows the list to itself.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var disks = Use(s => s.GetVirtualDisks());
        if (disks is null) return;
        var piped = InputObject is null ? null : ObjectNameTransformationAttribute.ModuleTypeOf(InputObject);
        var pipedName = InputObject?.Properties["Name"]?.Value?.ToString() ?? "";
        var pools = piped == "VScsiStoragePool" ? [pipedName] : PoolName;
        var names = piped == "VScsiVirtualDisk" ? [WildcardPattern.Escape(pipedName)] : Name;
        var inPools = disks.Where(d => d.Pool is not null && (pools is null || pools.Contains(d.Pool, StringComparer.OrdinalIgnoreCase)));
        foreach (var d in Filter.ByName(this, inPools, d => d.Name, names, ConfigurationError.VirtualDiskNotFound, "backing device"))
            WriteObject(new VScsiVirtualDisk(d, ResolvedSystemPath));
    }
}
