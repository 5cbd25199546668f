using System.Management.Automation;

namespace VScsi.Cmdlets.Tests;

/// <summary>The outcome of one It: its full path (Describe > Context > It), Passed/Failed/Skipped, and the failure.</summary>
public sealed record PesterTestResult(string Path, string Outcome, string Message);

/// <summary>
/// Runs a Pester-5-syntax file with PesterLite.ps1 (the subset of Pester this project's
/// acceptance files use) in a runspace of the fixture, which has the VScsi module imported.
/// </summary>
public static class PesterLiteRunner
{
    private static readonly string RunnerScript = Path.Combine(AppContext.BaseDirectory, "Pester", "PesterLite.ps1");

    public static IReadOnlyList<PesterTestResult> RunFile(PowerShellFixture fixture, string path) =>
        Run(fixture, $". '{Escape(RunnerScript)}'\n. '{Escape(path)}'");

    public static IReadOnlyList<PesterTestResult> RunScript(PowerShellFixture fixture, string script) =>
        Run(fixture, $". '{Escape(RunnerScript)}'\n" + script);

    private static IReadOnlyList<PesterTestResult> Run(PowerShellFixture fixture, string script)
    {
        var results = fixture.Invoke(script + "\n$global:__PL.Results", ps =>
        {
            try
            {
                return ps.Invoke();
            }
            catch (RuntimeException e)
            {
                return [PSObject.AsPSObject(new PesterTestResult("(file)", "Failed", e.Message))];
            }
        });
        return results.Select(r => r.BaseObject as PesterTestResult ?? new PesterTestResult(
                (string)r.Properties["Path"].Value, (string)r.Properties["Outcome"].Value, (string)r.Properties["Message"].Value))
            .ToList();
    }

    private static string Escape(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
