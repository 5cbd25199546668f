using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists storage pools with their size, used and free space.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiStoragePool")]
[OutputType(typeof(VScsiStoragePool))]
public sealed class GetVScsiStoragePoolCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var partition in Partition ?? [null!])
        {
            var pools = Use(s => s.GetStoragePools(partition));
            if (pools is null) continue;
            foreach (var p in Filter.ByName(this, pools, p => p.Name, Name, ConfigurationError.StoragePoolNotFound, "storage pool"))
                WriteObject(new VScsiStoragePool(p, ResolvedSystemPath));
        }
    }
}
