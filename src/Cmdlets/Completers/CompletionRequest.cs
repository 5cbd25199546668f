using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Completers;

/// <summary>
/// What a completer knows about the command line being completed. A parameter's value is taken
/// from the line (fakeBoundParameters), else from <c>$PSDefaultParameterValues</c> (a 'Cmd:Param'
/// key, wildcards allowed, as the binder reads it), so -SystemPath and -Partition are honoured
/// however the user gives them; a system path falls back to $env:VSCSI_HOME, then the per-user
/// folder, exactly as the cmdlets resolve it.
/// </summary>
public sealed class CompletionRequest(string commandName, string parameterName, IDictionary? bound)
{
    private static readonly ManagedSystemOptions Options = new() { BusyTimeout = TimeSpan.FromMilliseconds(500) };

    public string CommandName { get; } = commandName ?? "";

    public string ParameterName { get; } = parameterName ?? "";

    /// <summary>The -Partition of the line (or of the defaults), or null for every partition.</summary>
    public string? Partition => Value("Partition");

    /// <summary>The value of <paramref name="parameter"/> as text: from the line, else from $PSDefaultParameterValues.</summary>
    public string? Value(string parameter)
    {
        if (bound is not null && bound.Contains(parameter)) return Text(bound[parameter]);
        return DefaultValue(parameter);
    }

    /// <summary>The names <paramref name="names"/> reads from the system, or none when there is no system to read (never creating one).</summary>
    public IEnumerable<string> FromSystem(Func<ManagedSystem, IEnumerable<string>> names)
    {
        var folder = SystemFolder();
        if (ManagedSystem.Inspect(folder) != SystemFolderState.System) return [];
        using var system = ManagedSystem.Open(folder, Options);
        return names(system).ToList();
    }

    /// <summary>The system folder the command would use: the given -SystemPath (resolved against the current location), else $env:VSCSI_HOME or the per-user folder.</summary>
    public string SystemFolder()
    {
        var path = Value("SystemPath");
        if (string.IsNullOrWhiteSpace(path)) return ManagedSystem.ResolveFolder(null);
        return InSession("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)", path) as string
            ?? ManagedSystem.ResolveFolder(path);
    }

    /// <summary>
    /// Runs <paramref name="script"/> in the session being completed (a completer runs on its pipeline
    /// thread, where the SessionStateProxy is refused), or null outside one or when it fails.
    /// </summary>
    private static object? InSession(string script, params object[] args)
    {
        if (Runspace.DefaultRunspace is null) return null;
        try
        {
            var result = ScriptBlock.Create(script).Invoke(args);
            return result.Count == 0 ? null : result[0]?.BaseObject;
        }
        catch (RuntimeException)
        {
            return null;
        }
    }

    private string? DefaultValue(string parameter)
    {
        if (InSession("$PSDefaultParameterValues") is not IDictionary defaults) return null;
        if (defaults.Contains("Disabled") && LanguagePrimitives.IsTrue(defaults["Disabled"])) return null;
        foreach (DictionaryEntry entry in defaults)
        {
            if (entry.Key is not string key || entry.Value is ScriptBlock) continue;
            var colon = key.LastIndexOf(':');
            if (colon <= 0) continue;
            var command = key[..colon].Trim();
            var name = key[(colon + 1)..].Trim();
            if (WildcardPattern.Get(command, WildcardOptions.IgnoreCase).IsMatch(CommandName)
                && WildcardPattern.Get(name, WildcardOptions.IgnoreCase).IsMatch(parameter))
                return Text(entry.Value);
        }
        return null;
    }

    private static string? Text(object? value) => (value is PSObject pso ? pso.BaseObject : value) switch
    {
        null => null,
        string s => s,
        IEnumerable e => e.Cast<object?>().Select(Text).FirstOrDefault(),
        object o => o.ToString(),
    };
}
