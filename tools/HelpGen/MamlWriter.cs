using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;

namespace VScsi.HelpGen;

/// <summary>Writes MAML (the schema Get-Help reads) from help sources and the cmdlets' real parameter metadata.</summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    public const string SystemPathDescription =
        "The folder that holds the managed system (its database is system.db there); a folder without one is the terminating error SystemNotFound (New-VScsiSystem creates one). " +
        "Default: $env:VSCSI_HOME, else a per-user folder (~/.local/share/VScsi, %LOCALAPPDATA%\\VScsi). " +
        "VScsi output objects carry SystemPath, so piping them keeps a pipeline on one managed system.";

    /// <summary>-SystemPath of the New-* and Import-* cmdlets, which may start a system (about_VScsi).</summary>
    public const string CreatingSystemPathDescription =
        "The folder that holds the managed system (its database is system.db there). A folder that does not exist yet, or is empty, becomes a new system; one with other files and no system is refused (SystemFolderNotEmpty). " +
        "Default: $env:VSCSI_HOME, else a per-user folder (~/.local/share/VScsi, %LOCALAPPDATA%\\VScsi). " +
        "VScsi output objects carry SystemPath, so piping them keeps a pipeline on one managed system.";

    /// <summary>
    /// Builds the MAML document for the assembly's cmdlets and the module's exported script
    /// <paramref name="functions"/> (parameterless ones: their syntax is the name alone); throws
    /// listing every gap (missing help, parameter or example).
    /// </summary>
    public static XDocument Build(Assembly cmdlets, IEnumerable<string> functions, Func<string, string?> readSource)
    {
        var problems = new List<string>();
        var commands = new List<XElement>();
        HelpSource? Source(string name)
        {
            if (readSource(name) is { } text) return HelpSource.Parse(name, text);
            problems.Add($"{name}: no help source module/help/{name}.md");
            return null;
        }
        foreach (var type in cmdlets.GetExportedTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var attr = type.GetCustomAttribute<CmdletAttribute>()!;
            if (Source($"{attr.VerbName}-{attr.NounName}") is { } source) commands.Add(BuildCommand(type, attr, source, problems));
        }
        foreach (var function in functions.Order(StringComparer.Ordinal))
        {
            if (Source(function) is not { } source) continue;
            if (source.Parameters.Count > 0) problems.Add($"{function}: a script function's help documents no parameters (its syntax is generated as the name alone)");
            var syntax = new XElement(Command + "syntaxItem", new XElement(Maml + "name", function));
            commands.Add(CommandElement(source, function.Split('-', 2), problems, [syntax], [], [], []));
        }
        if (problems.Count > 0) throw new InvalidDataException(string.Join(Environment.NewLine, problems));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command), new XAttribute(XNamespace.Xmlns + "dev", Dev),
                commands));
    }

    private static XElement BuildCommand(Type type, CmdletAttribute attr, HelpSource source, List<string> problems)
    {
        var name = source.Name;
        var metadata = new CommandMetadata(type);
        var parameters = metadata.Parameters.Values.Where(p => !Common.Contains(p.Name)).ToList();
        string Describe(ParameterMetadata p)
        {
            if (source.Parameters.TryGetValue(p.Name, out var d) && d.Length > 0) return d;
            if (p.Name == "SystemPath") return attr.VerbName is "New" or "Import" ? CreatingSystemPathDescription : SystemPathDescription;
            problems.Add($"{name}: parameter -{p.Name} has no description");
            return "";
        }
        foreach (var documented in source.Parameters.Keys.Where(k => !metadata.Parameters.ContainsKey(k)))
            problems.Add($"{name}: documents -{documented}, which does not exist");

        var sets = parameters.SelectMany(p => p.ParameterSets.Keys).Where(s => s != ParameterAttribute.AllParameterSets).Distinct().DefaultIfEmpty(ParameterAttribute.AllParameterSets).ToList();
        var syntax = sets.Select(set => new XElement(Command + "syntaxItem", new XElement(Maml + "name", name),
            parameters.Where(p => p.ParameterSets.ContainsKey(set) || p.ParameterSets.ContainsKey(ParameterAttribute.AllParameterSets))
                .OrderBy(p => Position(p, set) is int pos ? pos : int.MaxValue)
                .Select(p => Parameter(type, p, set, null))));
        var described = parameters.OrderBy(p => p.Name == "SystemPath").Select(p => Parameter(type, p, null, Describe(p)));
        var inputs = parameters.Where(p => p.ParameterSets.Values.Any(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName))
            .Select(p => p.ParameterType.FullName).Distinct();
        var outputs = type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(o => o.Type).Select(t => t.Name).Distinct();
        return CommandElement(source, [attr.VerbName, attr.NounName], problems, syntax, described, inputs, outputs);
    }

    /// <summary>One command element: the help source's text around the generated syntax, parameters, inputs and outputs.</summary>
    private static XElement CommandElement(HelpSource source, string[] verbNoun, List<string> problems, IEnumerable<XElement> syntax, IEnumerable<XElement> described,
        IEnumerable<string?> inputs, IEnumerable<string> outputs)
    {
        var name = source.Name;
        if (source.Synopsis.Length == 0) problems.Add($"{name}: no synopsis");
        if (source.Examples.Count == 0) problems.Add($"{name}: no example");
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", name), new XElement(Command + "verb", verbNoun[0]), new XElement(Command + "noun", verbNoun[^1]),
                Paras(Maml + "description", source.Synopsis)),
            Paras(Maml + "description", source.Description),
            new XElement(Command + "syntax", syntax),
            new XElement(Command + "parameters", described),
            new XElement(Command + "inputTypes", inputs.Select(i => new XElement(Command + "inputType", new XElement(Dev + "type", new XElement(Maml + "name", i))))),
            new XElement(Command + "returnValues", outputs.Select(o => new XElement(Command + "returnValue", new XElement(Dev + "type", new XElement(Maml + "name", o))))),
            new XElement(Maml + "alertSet", Paras(Maml + "alert", source.Notes)),
            new XElement(Command + "examples", source.Examples.Select((e, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"--------- Example {i + 1}: {StripNumber(e.Title)} ---------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", Paras(Maml + "para", e.Remarks).Elements())))),
            new XElement(Command + "relatedLinks", source.Links.Select(l => new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l)))));
    }

    private static XElement Parameter(Type type, ParameterMetadata p, string? set, string? description)
    {
        var sets = set is null ? p.ParameterSets.Values.ToList() : [p.ParameterSets.TryGetValue(set, out var s) ? s : p.ParameterSets[ParameterAttribute.AllParameterSets]];
        var required = sets.Any(x => x.IsMandatory);
        var position = set is null ? sets.Select(x => x.Position).FirstOrDefault(x => x >= 0, -1) : sets[0].Position;
        var byValue = sets.Any(x => x.ValueFromPipeline);
        var byName = sets.Any(x => x.ValueFromPipelineByPropertyName);
        var pipeline = byValue && byName ? "True (ByValue, ByPropertyName)" : byValue ? "True (ByValue)" : byName ? "True (ByPropertyName)" : "False";
        var globbing = type.GetProperty(p.Name)?.GetCustomAttribute<SupportsWildcardsAttribute>() is not null;
        var isSwitch = p.ParameterType == typeof(SwitchParameter);
        var typeName = TypeName(p.ParameterType);
        var element = new XElement(Command + "parameter",
            new XAttribute("required", required ? "true" : "false"), new XAttribute("globbing", globbing ? "true" : "false"),
            new XAttribute("pipelineInput", pipeline), new XAttribute("position", position >= 0 ? position.ToString() : "named"),
            new XElement(Maml + "name", p.Name));
        if (description is not null) element.Add(Paras(Maml + "description", description));
        if (!isSwitch) element.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), typeName));
        if (description is not null)
            element.Add(new XElement(Dev + "type", new XElement(Maml + "name", typeName)), new XElement(Dev + "defaultValue", isSwitch ? "False" : "None"));
        return element;
    }

    private static int? Position(ParameterMetadata p, string set) =>
        (p.ParameterSets.TryGetValue(set, out var s) ? s : p.ParameterSets.GetValueOrDefault(ParameterAttribute.AllParameterSets)) is { Position: >= 0 } m ? m.Position : null;

    private static string TypeName(Type t)
    {
        var inner = Nullable.GetUnderlyingType(t) ?? t;
        return inner.IsArray ? inner.GetElementType()!.Name + "[]" : inner.Name;
    }

    private static string StripNumber(string title)
    {
        var colon = title.IndexOf(':');
        return colon >= 0 && title.StartsWith("Example", StringComparison.OrdinalIgnoreCase) ? title[(colon + 1)..].Trim() : title;
    }

    /// <summary>Paragraphs (blank-line separated) as maml:para children of an element.</summary>
    private static XElement Paras(XName container, string text) =>
        new(container, text.Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => new XElement(Maml + "para", string.Join(" ", p.Split('\n').Select(l => l.Trim())))));
}
