using System.Collections.Concurrent;

namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Runs tests/Acceptance/*.Tests.ps1 through PesterLite. Each file runs once; every It becomes
/// its own xunit case (file + path), so a failing It fails exactly that case. Its marked -Skip
/// become no case (xunit 2 cannot skip at run time); real Pester reports them under build.ps1.
/// </summary>
[Collection("PowerShell")]
public sealed class AcceptanceTests(PowerShellFixture ps)
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<PesterTestResult>>> Runs = new();
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Acceptance");

    public static TheoryData<string, string> Cases()
    {
        // Discovery needs the It names, so each file is run here once (in its own fixture) and cached.
        var data = new TheoryData<string, string>();
        using var discovery = new PowerShellFixture();
        foreach (var file in Directory.GetFiles(Folder, "*.Tests.ps1").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            foreach (var result in Results(discovery, name).Where(r => r.Outcome != "Skipped"))
                data.Add(name, result.Path);
        }
        return data;
    }

    private static IReadOnlyList<PesterTestResult> Results(PowerShellFixture fixture, string file) =>
        Runs.GetOrAdd(file, f => new Lazy<IReadOnlyList<PesterTestResult>>(() => PesterLiteRunner.RunFile(fixture, Path.Combine(Folder, f)))).Value;

    [Theory]
    [MemberData(nameof(Cases))]
    public void AcceptanceScenario(string file, string path)
    {
        var result = Results(ps, file).First(r => r.Path == path);
        Assert.True(result.Outcome == "Passed", $"{path}: {result.Message}");
    }
}
