using VScsi.HelpGen;

// Usage: dotnet run --project tools/HelpGen -- [repoRoot] [--check]
// Regenerates module/en-US/VScsi.PowerShell.dll-Help.xml; --check only verifies it is current.
var root = Path.GetFullPath(args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? ".");
var check = args.Contains("--check");
var target = Path.Combine(root, "module", "en-US", "VScsi.PowerShell.dll-Help.xml");
try
{
    var text = Generator.Generate(root);
    if (check)
    {
        var current = File.Exists(target) ? File.ReadAllText(target) : "";
        if (current != text)
        {
            Console.Error.WriteLine($"{target} is out of date: run dotnet run --project tools/HelpGen -- {root}");
            return 1;
        }
        return 0;
    }
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    File.WriteAllText(target, text);
    Console.WriteLine($"Wrote {target}");
    return 0;
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
