using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Completers;

/// <summary>Shared lookups for the completers: the system named by -SystemPath (when typed), else the default.</summary>
internal static class Completion
{
    public static IEnumerable<CompletionResult> From(IDictionary fakeBoundParameters, string wordToComplete, Func<ManagedSystem, IEnumerable<string>> names)
    {
        IReadOnlyList<string> found;
        try
        {
            var path = fakeBoundParameters["SystemPath"] as string;
            var folder = ManagedSystem.ResolveFolder(path);
            if (!File.Exists(Path.Combine(folder, "system.db"))) return [];
            using var system = ManagedSystem.Open(folder, new ManagedSystemOptions { BusyTimeout = TimeSpan.FromMilliseconds(500) });
            found = names(system).ToList();
        }
        catch (ConfigurationException)
        {
            return [];
        }
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return found.Where(pattern.IsMatch).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }

    public static string? PartitionOf(IDictionary fakeBoundParameters) => fakeBoundParameters["Partition"] switch
    {
        string s => s,
        string[] { Length: > 0 } a => a[0],
        object o => o.ToString(),
        null => null,
    };
}

/// <summary>Completes partition names.</summary>
public sealed class PartitionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.From(fakeBoundParameters, wordToComplete, s => s.GetPartitions().Select(p => p.Name));
}

/// <summary>Completes profile names of the partition given by -Partition.</summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.From(fakeBoundParameters, wordToComplete, s => s.GetProfiles(Completion.PartitionOf(fakeBoundParameters)).Select(p => p.Name));
}

/// <summary>Completes adapter names (vhostN for server-adapter cmdlets, vscsiN for client-adapter cmdlets).</summary>
public sealed class AdapterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kind = commandName.EndsWith("ServerAdapter", StringComparison.OrdinalIgnoreCase) ? AdapterKind.Server : AdapterKind.Client;
        return Completion.From(fakeBoundParameters, wordToComplete,
            s => s.GetAdapters(Completion.PartitionOf(fakeBoundParameters), kind, fakeBoundParameters["Profile"] as string).Select(a => a.Name));
    }
}

/// <summary>Completes media names: optical media and cartridges (for Mount-VScsiMedia, only what fits the drive named by -Device).</summary>
public sealed class MediaNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var device = fakeBoundParameters["Device"] as string;
        MediaKind? kind = commandName switch
        {
            _ when commandName.EndsWith("TapeCartridge", StringComparison.OrdinalIgnoreCase) => MediaKind.Tape,
            "Remove-VScsiMedia" => MediaKind.Optical,
            "Mount-VScsiMedia" when device is not null => device.StartsWith("vttape", StringComparison.OrdinalIgnoreCase) ? MediaKind.Tape : MediaKind.Optical,
            _ => null,
        };
        return Completion.From(fakeBoundParameters, wordToComplete, s => s.GetMedia(Completion.PartitionOf(fakeBoundParameters), kind).Select(m => m.Name));
    }
}

/// <summary>Completes drive names (vtoptN, vttapeN) of the partition given by -Partition, or of every partition.</summary>
public sealed class DriveNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.From(fakeBoundParameters, wordToComplete, s => s.GetMappings(Completion.PartitionOf(fakeBoundParameters))
            .SelectMany(m => m.Devices).Where(d => d.Kind != TargetDeviceKind.Disk).Select(d => d.Name));
}
