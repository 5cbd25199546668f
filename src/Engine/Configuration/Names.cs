using System.Text.RegularExpressions;

namespace VScsi.Engine.Configuration;

/// <summary>Name rules shared by partitions, profiles and adapters.</summary>
public static partial class Names
{
    /// <summary>HMC limits partition and profile names to 47 characters.</summary>
    public const int MaxNameLength = 47;

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex NameRegex();

    public static bool IsValidPartitionName(string name) => name.Length <= MaxNameLength && NameRegex().IsMatch(name);

    public static bool IsValidProfileName(string name) => IsValidPartitionName(name);

    public static bool IsValidAdapterName(string name) => name.Length <= MaxNameLength && NameRegex().IsMatch(name);

    /// <summary>The generated name prefix: <c>vhost</c> for server adapters, <c>vscsi</c> for client adapters.</summary>
    public static string AdapterPrefix(AdapterKind kind) => kind == AdapterKind.Server ? "vhost" : "vscsi";
}
