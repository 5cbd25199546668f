using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists storage pools with their size, used and free space.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiStoragePool")]
[OutputType(typeof(VScsiStoragePool))]
public sealed class GetVScsiStoragePoolCommand : PartitionListCommandBase
{
    private protected override string ListedType => "VScsiStoragePool";

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        WriteListed((s, partition) => s.GetStoragePools(partition), p => p.Name, Name, ConfigurationError.StoragePoolNotFound, "storage pool",
            p => new VScsiStoragePool(p, ResolvedSystemPath));
    }
}
