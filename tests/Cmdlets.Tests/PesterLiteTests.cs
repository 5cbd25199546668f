namespace VScsi.Cmdlets.Tests;

/// <summary>The Pester subset runner itself: a failing Should must fail its It, scoping as in Pester 5.</summary>
[Collection("PowerShell")]
public sealed class PesterLiteTests(PowerShellFixture ps)
{
    [Fact]
    public void RunScript_PassingFailingAndSkippedIts_ReportedAsSuch()
    {
        var results = PesterLiteRunner.RunScript(ps, """
            Describe 'outer' {
                BeforeAll { $shared = 41 }
                BeforeEach { $each = 1 }
                It 'sees BeforeAll and BeforeEach' { $shared + $each | Should -Be 42 }
                It 'fails' { 1 | Should -Be 2 }
                It 'is skipped' -Skip { throw 'never runs' }
                Context 'inner' {
                    It 'case <n>' -TestCases @(@{ n = 1 }, @{ n = 2 }) { $n | Should -BeLessThan 3; $shared | Should -Be 41 }
                    It 'throws with an id' { { Get-VScsiPartition -Name x -SystemPath '/nonexistent/\0bad' -ErrorAction Stop } | Should -Throw }
                    It 'counts' { @() | Should -HaveCount 0; @(1, 2) | Should -HaveCount 2; 'abc' | Should -Match 'b' }
                }
            }
            """);
        Assert.Equal(
            ["outer > sees BeforeAll and BeforeEach:Passed", "outer > fails:Failed", "outer > is skipped:Skipped",
             "outer > inner > case 1:Passed", "outer > inner > case 2:Passed", "outer > inner > throws with an id:Passed", "outer > inner > counts:Passed"],
            results.Select(r => $"{r.Path}:{r.Outcome}"));
        Assert.Contains("Expected to be 2, but got 1.", results[1].Message);
    }

    [Fact]
    public void RunScript_FailingBeforeAll_FailsTheBlock()
    {
        var results = PesterLiteRunner.RunScript(ps, "Describe 'd' { BeforeAll { throw 'setup broke' }; It 'x' { } }");
        var only = Assert.Single(results);
        Assert.Equal(("d > BeforeAll", "Failed"), (only.Path, only.Outcome));
        Assert.Contains("setup broke", only.Message);
    }

    [Fact]
    public void RunFile_ReferenceScenario_AllItsPass()
    {
        var results = PesterLiteRunner.RunFile(ps, Path.Combine(AppContext.BaseDirectory, "Acceptance", "ReferenceScenario.Tests.ps1"));
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Outcome == "Passed", $"{r.Path}: {r.Message}"));
    }
}
