namespace VScsi.Cmdlets.Tests;

/// <summary>
/// ./vscsi, the front door: real pwsh with the packaged module, its whole command set, its exit
/// codes, -File arguments, plain redirected output and prompts answered from standard input.
/// (That the pid it starts is the real pwsh process is CrossProcessTests' SIGTERM case.)
/// </summary>
public sealed class LauncherTests
{
    [Fact]
    public async Task Command_EverydayCommandsOnModuleOutput_PrintPlainText()
    {
        var sys = Path.Combine(Path.GetTempPath(), "vscsi-launcher-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = await Launcher.RunAsync("", "-NoProfile", "-Command", $"""
                $null = New-VScsiPartition vios1 Vios -SystemPath '{sys}'
                Get-VScsiPartition -SystemPath '{sys}' | Format-List Name, Type
                Get-VScsiPartition -SystemPath '{sys}' | Select-Object Name | ConvertTo-Json -Compress
                Get-VScsiPartition -SystemPath '{sys}'
                $PSVersionTable.PSVersion.ToString()
                """);
            Assert.True(code == 0, error);
            Assert.Equal("", error);
            Assert.Matches(@"(?m)^Name : vios1\s*$", output);
            Assert.Contains("""{"Name":"vios1"}""", output);
            Assert.Matches(@"(?m)^Id +Name +Type +State", output);
            Assert.Matches(@"(?m)^7\.6\.9\s*$", output);
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
    [InlineData("try { throw 'broken' } catch { 'handled' }", 0)]
    [InlineData("Get-VScsiPartition -Name nosuch -SystemPath (New-VScsiSystem ([IO.Path]::GetTempPath() + [Guid]::NewGuid())).SystemPath", 1)]
    [InlineData("Get-VScsiPartition -Name nosuch -SystemPath (New-VScsiSystem ([IO.Path]::GetTempPath() + [Guid]::NewGuid())).SystemPath; 'went on'", 0)]
    public async Task Command_ExitCodes_AreThoseOfPwsh(string script, int expected)
    {
        var (code, _, _) = await Launcher.RunAsync("", "-NoProfile", "-Command", script);
        Assert.Equal(expected, code);
    }

    [Fact]
    public async Task Command_Error_GoesToStandardErrorWithMessage()
    {
        var (_, output, error) = await Launcher.RunAsync("", "-NoProfile", "-Command", "throw 'broken on purpose'");
        Assert.Contains("broken on purpose", error);
        Assert.DoesNotContain("broken on purpose", output);
    }

    [Theory]
    [InlineData("-File")]
    [InlineData("")]
    public async Task File_PositionalAndNamedArguments_BoundAndExitCodeKept(string option)
    {
        var script = Path.Combine(Path.GetTempPath(), $"vscsi-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(script, "param($First, $Name, [switch] $Flag) \"first=$First name=$Name flag=$Flag module=$((Get-Module VScsi).Name)\"; exit 3");
        try
        {
            string[] args = [.. option.Length > 0 ? [option] : Array.Empty<string>(), script, "one it's", "-Name", "two words", "-Flag:$false"];
            var (code, output, _) = await Launcher.RunAsync("", args);
            Assert.Equal(3, code);
            Assert.Equal("first=one it's name=two words flag=False module=VScsi", output.Trim());
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task File_TerminatingError_ExitsOne()
    {
        var script = Path.Combine(Path.GetTempPath(), $"vscsi-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(script, "$ErrorActionPreference = 'Stop'; Get-VScsiPartition -Name nosuch -SystemPath (New-VScsiSystem ([IO.Path]::GetTempPath() + [Guid]::NewGuid())).SystemPath; 'not reached'");
        try
        {
            var (code, output, error) = await Launcher.RunAsync("", "-File", script);
            Assert.Equal(1, code);
            Assert.DoesNotContain("not reached", output);
            Assert.Contains("No partition named 'nosuch'", error);
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
        var (code, output, _) = await Launcher.RunAsync(answer, "-NoProfile", "-Command",
            "function f { [CmdletBinding(SupportsShouldProcess)] param() if ($PSCmdlet.ShouldProcess('x')) { 'done' } }; f -Confirm; 'end'");
        Assert.Equal(0, code);
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l is "done" or "end");
        Assert.Equal(expected, string.Join("|", lines));
    }
}
