using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// What the Get- cmdlets that list per partition share: -Partition (names, ids or partition
/// objects, from the pipeline too; all partitions when omitted) and name filtering with wildcards.
/// </summary>
public abstract class PartitionListCommandBase : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    /// <summary>Lists items per requested partition and writes those whose name matches <paramref name="patterns"/>.</summary>
    protected void WriteListed<T>(Func<ManagedSystem, string?, IEnumerable<T>> list, Func<T, string> name, string[]? patterns,
        ConfigurationError notFound, string what, Func<T, object> wrap)
    {
        foreach (var partition in Partition ?? [null!])
        {
            var items = Use(s => list(s, partition).ToList());
            if (items is null) continue;
            foreach (var item in Filter.ByName(this, items, name, patterns, notFound, what))
                WriteObject(wrap(item));
        }
    }
}
