using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VScsi.PowerShell.Completers;

/// <summary>
/// Base of every VScsi argument completer (issue 11, item 5): the system and partition are
/// resolved the same way for all of them (<see cref="CompletionRequest"/>), the typed word filters
/// the names (a partial word, quoted or not, is a prefix), and names that PowerShell would split
/// are quoted. A completer never throws and never creates a system: whatever goes wrong (no
/// system, a locked database, a dead session) gives no completions.
/// </summary>
public abstract class VScsiCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var request = new CompletionRequest(commandName, parameterName, fakeBoundParameters);
            return Results(Names(request).ToList(), wordToComplete ?? "");
        }
        catch (Exception)
        {
            return [];   // completion must never break the prompt
        }
    }

    /// <summary>The candidate names for the request, before filtering by the typed word.</summary>
    protected abstract IEnumerable<string> Names(CompletionRequest request);

    /// <summary>A tool tip for a name; the name itself unless a completer knows more.</summary>
    protected virtual string ToolTip(string name) => name;

    private List<CompletionResult> Results(IReadOnlyList<string> names, string word)
    {
        var quote = word.Length > 0 && word[0] is '\'' or '"' ? word[0] : (char?)null;
        var typed = word.Trim('\'', '"');
        var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
        return names.Where(n => !string.IsNullOrEmpty(n) && pattern.IsMatch(n))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(Quote(n, quote), n, CompletionResultType.ParameterValue, ToolTip(n)))
            .ToList();
    }

    /// <summary>
    /// The completion text for <paramref name="name"/>: in the quotes the user opened, else in single
    /// quotes when it holds a character PowerShell would read as syntax (a space, $, `, a quote ...).
    /// </summary>
    public static string Quote(string name, char? quote = null)
    {
        if (quote == '"') return "\"" + name.Replace("`", "``").Replace("$", "`$").Replace("\"", "`\"") + "\"";
        var needs = quote == '\'' || name.Any(c => char.IsWhiteSpace(c) || "'\"`$&@#;,|(){}<>[]".Contains(c));
        return needs ? "'" + name.Replace("'", "''") + "'" : name;
    }
}
