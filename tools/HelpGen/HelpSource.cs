using System.Text.RegularExpressions;

namespace VScsi.HelpGen;

/// <summary>One example of a help source: title, code, remarks.</summary>
public sealed record HelpExample(string Title, string Code, string Remarks);

/// <summary>
/// A cmdlet's help source, module/help/&lt;Verb-Noun&gt;.md: <c>## SYNOPSIS</c>, <c>## DESCRIPTION</c>,
/// <c>## PARAMETERS</c> with <c>### -Name</c> blocks, <c>## EXAMPLES</c> with <c>### Example N: title</c>,
/// a fenced powershell block and remarks, optional <c>## NOTES</c> and <c>## RELATED LINKS</c> (one per line).
/// </summary>
public sealed partial record HelpSource(string Name, string Synopsis, string Description, IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<HelpExample> Examples, string Notes, IReadOnlyList<string> Links)
{
    [GeneratedRegex(@"^## (.+)$", RegexOptions.Multiline)]
    private static partial Regex SectionRegex();

    [GeneratedRegex(@"^### (.+)$", RegexOptions.Multiline)]
    private static partial Regex SubsectionRegex();

    [GeneratedRegex(@"```powershell\r?\n(.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex CodeRegex();

    public static HelpSource Parse(string name, string text)
    {
        var sections = Split(SectionRegex(), text);
        string Section(string key) => sections.TryGetValue(key, out var v) ? v : "";
        var parameters = Split(SubsectionRegex(), Section("PARAMETERS"))
            .ToDictionary(p => p.Key.TrimStart('-'), p => p.Value, StringComparer.OrdinalIgnoreCase);
        var examples = Split(SubsectionRegex(), Section("EXAMPLES")).Select(e =>
        {
            var code = CodeRegex().Match(e.Value);
            if (!code.Success) throw new InvalidDataException($"{name}: example '{e.Key}' has no ```powershell block.");
            var remarks = (e.Value[..code.Index] + e.Value[(code.Index + code.Length)..]).Trim();
            return new HelpExample(e.Key, code.Groups[1].Value.Trim(), remarks);
        }).ToList();
        var links = Section("RELATED LINKS").Split('\n').Select(l => l.Trim().TrimStart('-', ' ')).Where(l => l.Length > 0).ToList();
        return new HelpSource(name, Section("SYNOPSIS"), Section("DESCRIPTION"), parameters, examples, Section("NOTES"), links);
    }

    /// <summary>Splits text at headings; keys keep insertion order.</summary>
    private static Dictionary<string, string> Split(Regex heading, string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var matches = heading.Matches(text);
        for (var i = 0; i < matches.Count; i++)
        {
            var start = matches[i].Index + matches[i].Length;
            var end = i + 1 < matches.Count ? matches[i + 1].Index : text.Length;
            result[matches[i].Groups[1].Value.Trim()] = text[start..end].Trim();
        }
        return result;
    }
}
