using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates a storage pool: a folder of a server partition where backing devices are carved (VIOS mksp).</summary>
[Cmdlet(VerbsCommon.New, "VScsiStoragePool", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiStoragePool))]
public sealed class NewVScsiStoragePoolCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public long? Size { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess($"{Partition}/{Name}", $"Create storage pool in '{path}'")) return;
        var pool = Use(s => s.CreateStoragePool(Partition, Name, path, Size));
        if (pool is not null) WriteObject(new VScsiStoragePool(pool, ResolvedSystemPath));
    }
}
