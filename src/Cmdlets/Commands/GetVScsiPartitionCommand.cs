using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists logical partitions, filtered by name (wildcards), id, type or state.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiPartition")]
[OutputType(typeof(VScsiPartition))]
public sealed class GetVScsiPartitionCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public int[]? Id { get; set; }

    [Parameter]
    public PartitionType? Type { get; set; }

    [Parameter]
    public PartitionState? State { get; set; }

    protected override void ProcessRecord()
    {
        var partitions = Use(s => s.GetPartitions());
        if (partitions is null) return;
        var selected = partitions.Select(WithServingState).Where(p => (Id is null || Id.Contains(p.Id)) && (Type is null || p.Type == Type) && (State is null || p.State == State));
        foreach (var p in Filter.ByName(this, selected, p => p.Name, Name, ConfigurationError.PartitionNotFound, "partition"))
            WriteObject(new VScsiPartition(p, ResolvedSystemPath));
    }

    /// <summary>A server partition is Running only while a live process holds its serving lock; a Running state without one is Stale (its process died).</summary>
    private Partition WithServingState(Partition p) =>
        p is { State: PartitionState.Running, Type: not PartitionType.AixLinux } && !ServingLock.IsHeld(ResolvedSystemPath, p.Id) ? p with { State = PartitionState.Stale } : p;
}
