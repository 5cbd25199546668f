using System.Diagnostics;

namespace VScsi.Cmdlets.Tests;

/// <summary>The vscsi host as a child process: exit codes, -File arguments, plain redirected output, prompts.</summary>
public sealed class ShellTests
{
    private static readonly string Host = Path.Combine(AppContext.BaseDirectory, "vscsi.dll");

    private static async Task<(int Code, string Out, string Err)> Vscsi(string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Host);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = p.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = p.StandardError.ReadToEndAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Command_WithModule_PrintsPlainTableAndExitsZero()
    {
        var sys = Path.Combine(Path.GetTempPath(), "vscsi-shell-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = await Vscsi("", "-Command", $"$null = New-VScsiPartition vios1 Vios -SystemPath '{sys}'; Get-VScsiPartition -SystemPath '{sys}'");
            Assert.Equal(0, code);
            Assert.Equal("", error);
            Assert.Contains("Id   Name             Type", output);
            Assert.DoesNotContain('\u001b', output);
        }
        finally
        {
            if (Directory.Exists(sys)) Directory.Delete(sys, true);
        }
    }

    [Theory]
    [InlineData("exit 7", 7)]
    [InlineData("'fine'", 0)]
    [InlineData("throw 'broken'", 1)]
    [InlineData("Get-VScsiPartition -Name nosuch -SystemPath ([IO.Path]::GetTempPath() + [Guid]::NewGuid()); 'went on'", 1)]
    public async Task Command_ExitCodes_FollowPwsh(string script, int expected)
    {
        var (code, _, _) = await Vscsi("", "-Command", script);
        Assert.Equal(expected, code);
    }

    [Fact]
    public async Task Command_Error_GoesToStandardErrorWithMessage()
    {
        var (_, output, error) = await Vscsi("", "-Command", "throw 'broken on purpose'");
        Assert.Contains("broken on purpose", error);
        Assert.DoesNotContain("broken on purpose", output);
    }

    [Fact]
    public async Task File_PositionalAndNamedArguments_BoundAndExitCodeKept()
    {
        var script = Path.Combine(Path.GetTempPath(), $"vscsi-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(script, "param($First, $Name) \"first=$First name=$Name\"; exit 3");
        try
        {
            var (code, output, _) = await Vscsi("", "-File", script, "one it's", "-Name", "two words");
            Assert.Equal(3, code);
            Assert.Equal("first=one it's name=two words", output.Trim());
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Theory]
    [InlineData("N\n", "end")]
    [InlineData("Y\n", "done|end")]
    public async Task Confirm_AnsweredFromStandardInput(string answer, string expected)
    {
        var (code, output, _) = await Vscsi(answer, "-Command",
            "function f { [CmdletBinding(SupportsShouldProcess)] param() if ($PSCmdlet.ShouldProcess('x')) { 'done' } }; f -Confirm; 'end'");
        Assert.Equal(0, code);
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l is "done" or "end" || l.EndsWith(": done") || l.EndsWith(": end"))
            .Select(l => l.Split(' ').Last());
        Assert.Equal(expected, string.Join("|", lines));
    }
}
