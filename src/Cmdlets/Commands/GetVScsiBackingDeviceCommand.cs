using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists the backing devices of storage pools.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiBackingDevice")]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class GetVScsiBackingDeviceCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Pool")]
    public string[]? PoolName { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var disks = Use(s => s.GetVirtualDisks());
        if (disks is null) return;
        var inPools = disks.Where(d => d.Pool is not null && (PoolName is null || PoolName.Contains(d.Pool, StringComparer.OrdinalIgnoreCase)));
        foreach (var d in Filter.ByName(this, inPools, d => d.Name, Name, ConfigurationError.VirtualDiskNotFound, "backing device"))
            WriteObject(new VScsiVirtualDisk(d, ResolvedSystemPath));
    }
}
