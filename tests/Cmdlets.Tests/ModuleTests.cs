using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;

namespace VScsi.Cmdlets.Tests;

/// <summary>The module as shipped: manifest exports, help, ShouldProcess on every state change.</summary>
[Collection("PowerShell")]
public sealed class ModuleTests(PowerShellFixture ps)
{
    private static readonly string ModuleDir = Path.Combine(AppContext.BaseDirectory, "Modules", "VScsi");

    private static IReadOnlyList<(string Name, Type Type)> CompiledCmdlets()
    {
        var assembly = Assembly.LoadFile(Path.Combine(ModuleDir, "VScsi.PowerShell.dll"));
        return assembly.GetExportedTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttributes().FirstOrDefault(a => a.GetType().Name == "CmdletAttribute")))
            .Where(x => x.Attr is not null)
            .Select(x => ($"{x.Attr!.GetType().GetProperty("VerbName")!.GetValue(x.Attr)}-{x.Attr.GetType().GetProperty("NounName")!.GetValue(x.Attr)}", x.Type))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)
            .ToList();
    }

    public static TheoryData<string> ExportedCmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var name in ManifestExports()) data.Add(name);
        return data;
    }

    private static IReadOnlyList<string> ManifestExports()
    {
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Modules", "VScsi", "VScsi.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        return Regex.Matches(block, @"'([A-Za-z]+-VScsi[A-Za-z]+)'").Select(m => m.Groups[1].Value).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Manifest_CmdletsToExport_EqualsCompiledCmdlets()
    {
        Assert.Equal(CompiledCmdlets().Select(c => c.Name), ManifestExports());
    }

    [Fact]
    public void ImportModule_ExportsExactlyTheManifestCmdlets()
    {
        var r = ps.Run("(Get-Command -Module VScsi -CommandType Cmdlet | ForEach-Object Name) -join ','");
        Assert.Equal(string.Join(",", ManifestExports()), string.Join(",", r.Output.Single().ToString().Split(',').Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void ImportModule_ExportsOnlyTheManifestFunctions()
    {
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Modules", "VScsi", "VScsi.psd1"));
        var block = Regex.Match(manifest, @"FunctionsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        var declared = Regex.Matches(block, @"'([A-Za-z]+-VScsi[A-Za-z]+)'").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var r = ps.Run("@(Get-Command -Module VScsi -CommandType Function | ForEach-Object Name | Sort-Object) -join ','");
        Assert.Equal("Register-VScsiShouldOperator", r.Output.Single().ToString());
        Assert.Equal(["Register-VScsiShouldOperator"], declared);
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void GetHelp_EveryCmdlet_HasSynopsisExamplesAndParameterDescriptions(string cmdlet)
    {
        var r = ps.Run($$"""
            $h = Get-Help {{cmdlet}} -Full
            $h.Synopsis
            @($h.examples.example).Count
            foreach ($p in @($h.parameters.parameter)) { if (-not $p.description) { "undocumented:$($p.name)" } }
            """);
        Assert.Empty(r.Errors);
        var synopsis = r.Output[0].ToString();
        Assert.False(string.IsNullOrWhiteSpace(synopsis));
        Assert.DoesNotContain(cmdlet + " ", synopsis); // a syntax-only synopsis means no MAML was found
        Assert.True((int)r.Output[1].BaseObject >= 1, $"{cmdlet} has no example");
        Assert.Empty(r.Output.Skip(2).Select(o => o.ToString()));
    }

    [Fact]
    public void GetHelp_ExportedFunction_ComesFromTheModulesMaml()
    {
        var maml = File.ReadAllText(Path.Combine(ModuleDir, "en-US", "VScsi.PowerShell.dll-Help.xml"));
        Assert.Contains("<command:name>Register-VScsiShouldOperator</command:name>", maml);
        var r = ps.Run("$h = Get-Help Register-VScsiShouldOperator -Full; $h.Synopsis; @($h.examples.example).Count");
        Assert.Empty(r.Errors);
        Assert.StartsWith("Registers the VScsi Should operators", r.Output[0].ToString());
        Assert.True((int)r.Output[1].BaseObject >= 1);
    }

    [Fact]
    public void StateChangingCmdlets_SupportShouldProcess()
    {
        var readOnlyVerbs = new[] { "Get", "Test", "Read" };
        foreach (var (name, type) in CompiledCmdlets().Where(c => !readOnlyVerbs.Contains(c.Name.Split('-')[0])))
        {
            var attr = type.GetCustomAttributes().First(a => a.GetType().Name == "CmdletAttribute");
            Assert.True((bool)attr.GetType().GetProperty("SupportsShouldProcess")!.GetValue(attr)!, $"{name} does not support -WhatIf/-Confirm");
        }
    }

    [Theory]
    [InlineData("about_VScsi", "PAIRING RULES")]
    [InlineData("about_VScsi_Protection", "RAID")]
    public void GetHelp_AboutTopics_Found(string topic, string fragment)
    {
        var r = ps.Run($"(Get-Help {topic}) | ForEach-Object {{ \"$_\" }}");
        Assert.Empty(r.Errors);
        Assert.Contains(fragment, string.Join("\n", r.Output.Select(o => o.ToString())));
    }

    [Fact]
    public void ModuleFolder_HoldsNoPowerShellEngineAssembly()
    {
        Assert.False(File.Exists(Path.Combine(ModuleDir, "System.Management.Automation.dll")));
        Assert.True(File.Exists(Path.Combine(ModuleDir, "en-US", "VScsi.PowerShell.dll-Help.xml")));
    }
}
