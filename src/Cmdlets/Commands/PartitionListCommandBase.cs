using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// What the Get- cmdlets that list per partition share: -Partition (names, ids or partition
/// objects, from the pipeline too; all partitions when omitted) and name filtering with wildcards.
/// A piped object of the listed kind narrows the list to itself (a piped object only ever
/// narrows what a Get- returns): <c>Get-VScsiServerAdapter vios1 vhost1 | Get-VScsiServerAdapter</c>
/// is vhost1 again, live or deserialized, never every adapter of vios1.
/// </summary>
public abstract class PartitionListCommandBase : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    /// <summary>The piped object itself, seen so that one of the listed kind narrows the list to its name.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The module type this cmdlet lists (VScsiServerAdapter), for narrowing to a piped one.</summary>
    private protected abstract string ListedType { get; }

    /// <summary>The name patterns to apply: the piped object's own name when it is of the listed kind.</summary>
    protected string[]? Narrowed(string[]? patterns)
    {
        if (InputObject is null || ObjectNameTransformationAttribute.ModuleTypeOf(InputObject) != ListedType) return patterns;
        var name = InputObject.Properties["Name"]?.Value?.ToString();
        return name is null ? patterns : [WildcardPattern.Escape(name)];
    }

    /// <summary>Lists items per requested partition and writes those whose name matches <paramref name="patterns"/>.</summary>
    protected void WriteListed<T>(Func<ManagedSystem, string?, IEnumerable<T>> list, Func<T, string> name, string[]? patterns,
        ConfigurationError notFound, string what, Func<T, object> wrap)
    {
        patterns = Narrowed(patterns);
        foreach (var partition in Partition ?? [null!])
        {
            var items = Use(s => list(s, partition).ToList());
            if (items is null) continue;
            foreach (var item in Filter.ByName(this, items, name, patterns, notFound, what))
                WriteObject(wrap(item));
        }
    }
}
