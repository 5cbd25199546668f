using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace VScsi.HelpGen;

/// <summary>Generates the MAML text from module/help/*.md and the VScsi.PowerShell assembly.</summary>
public static class Generator
{
    public static string Generate(string repoRoot)
    {
        var helpDir = Path.Combine(repoRoot, "module", "help");
        var document = MamlWriter.Build(typeof(VScsi.PowerShell.VScsiCmdlet).Assembly, ExportedFunctions(repoRoot), name =>
        {
            var path = Path.Combine(helpDir, name + ".md");
            return File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        });
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
            document.Save(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The names in the manifest's FunctionsToExport (module/VScsi.psd1).</summary>
    private static IEnumerable<string> ExportedFunctions(string repoRoot)
    {
        var manifest = File.ReadAllText(Path.Combine(repoRoot, "module", "VScsi.psd1"));
        var list = Regex.Match(manifest, @"FunctionsToExport\s*=\s*@\(([^)]*)\)");
        return list.Success ? Regex.Matches(list.Groups[1].Value, @"'([^']+)'").Select(m => m.Groups[1].Value) : [];
    }
}
