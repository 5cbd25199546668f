using System.Collections;
using System.Management.Automation;

namespace VScsi.PowerShell;

/// <summary>
/// Lets a string parameter that names something take the module object itself: live, or
/// deserialized (Export-Clixml/Import-Clixml, a job, remoting), where only its properties and its
/// <c>Deserialized.</c> type name are left. The object becomes the value of its naming property,
/// so live objects, deserialized ones and plain strings bind the same way (the Hyper-V
/// <c>-VM</c>/<c>-VMName</c> convention, by value instead of a second parameter set). A module
/// object of another kind is refused rather than turned into its ToString(): a disk piped into a
/// cmdlet never binds to its -ServerAdapter, so a pipeline cannot act on the wrong thing.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = true)]
public class ObjectNameTransformationAttribute : ArgumentTransformationAttribute
{
    internal const string OutputNamespace = "VScsi.PowerShell.Output.";
    private const string Deserialized = "Deserialized.";
    private const string Selected = "Selected.";
    private readonly (string Type, string Property)[] _accepted;

    /// <param name="accepted">Pairs of a module type name (VScsiMedia) and the property that names it (Name).</param>
    public ObjectNameTransformationAttribute(params string[] accepted)
    {
        if (accepted.Length % 2 != 0) throw new ArgumentException("Type and property names come in pairs.", nameof(accepted));
        _accepted = Enumerable.Range(0, accepted.Length / 2).Select(i => (accepted[2 * i], accepted[2 * i + 1])).ToArray();
    }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject { BaseObject: var b } && b is not PSCustomObject ? b : inputData;
        if (value is null or string) return value;
        if (value is IList many && value is not PSObject) return many.Cast<object?>().Select(o => Transform(engineIntrinsics, o)).ToArray();
        return NameOf(inputData!) ?? Other(value);
    }

    /// <summary>What a value that is not a module object becomes (default: itself, for the usual conversion).</summary>
    protected virtual object? Other(object value) => value;

    /// <summary>
    /// The module type of a live, deserialized or Select-Object'd object (VScsiServerAdapter), or
    /// null when it is none. Select-Object names its copy <c>Selected.</c> + the type, and
    /// Import-Clixml puts <c>Deserialized.</c> before that, so a copy that keeps the naming
    /// properties still names the object, and one that dropped them is refused instead of
    /// binding by its Partition alone (which would widen to every object of the partition).
    /// </summary>
    internal static string? ModuleTypeOf(PSObject pso)
    {
        foreach (var name in pso.TypeNames)
        {
            var type = StripPrefix(StripPrefix(name, Deserialized), Selected);
            if (type.StartsWith(OutputNamespace, StringComparison.Ordinal)) return type[OutputNamespace.Length..];
        }
        return null;
    }

    private static string StripPrefix(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;

    private string? NameOf(object input)
    {
        var pso = PSObject.AsPSObject(input);
        var type = ModuleTypeOf(pso);
        if (type is null) return null;
        foreach (var (accepted, property) in _accepted)
        {
            if (!string.Equals(type, accepted, StringComparison.Ordinal)) continue;
            return pso.Properties[property]?.Value?.ToString()
                ?? throw new ArgumentTransformationMetadataException($"This {type} has no {property}, so it does not name one.");
        }
        var wanted = string.Join(" or ", _accepted.Select(a => a.Type).Distinct());
        throw new ArgumentTransformationMetadataException($"A {type} cannot be used here: this parameter takes a {wanted} or its name.");
    }
}
