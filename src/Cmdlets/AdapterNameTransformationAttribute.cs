using System.Management.Automation;

namespace VScsi.PowerShell;

/// <summary>
/// Lets a -ServerAdapter parameter take a server adapter object (live or deserialized), a mapping
/// (its server adapter), a name (vhost0) or a qualified name (vios1/vhost0, as PairedWith shows
/// it). An object becomes its qualified name, so <c>-ServerAdapter $adapter</c> needs no
/// -Partition and can never land on the adapter of the same name on another partition.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class AdapterNameTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly ObjectNameTransformationAttribute Adapters = new("VScsiServerAdapter", "Name", "VScsiMapping", "ServerAdapter");

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var name = Adapters.Transform(engineIntrinsics, inputData);
        if (name is not string s || inputData is null or string) return name;
        var partition = PSObject.AsPSObject(inputData).Properties["Partition"]?.Value?.ToString();
        return string.IsNullOrEmpty(partition) || s.Contains('/') ? s : $"{partition}/{s}";
    }

    /// <summary>
    /// Splits a qualified adapter name: the partition it names wins when <paramref name="partition"/>
    /// is empty; a different one is a mismatch (returns false).
    /// </summary>
    internal static bool Split(string value, ref string? partition, out string adapter)
    {
        var slash = value.IndexOf('/');
        adapter = slash < 0 ? value : value[(slash + 1)..];
        if (slash < 0) return true;
        var named = value[..slash];
        if (string.IsNullOrEmpty(partition)) partition = named;
        return string.Equals(partition, named, StringComparison.OrdinalIgnoreCase);
    }
}
