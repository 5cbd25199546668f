using System.Diagnostics;

namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Issue 10 defect 3: what a serving process killed with kill -9 leaves behind (the Running state,
/// its portal record, its control socket) never blocks the next Start-VScsiPartition, and shows as
/// Stale meanwhile; a live holder of the serving lock still refuses Start (PartitionRunning) and Stop
/// (PartitionServedElsewhere). tests/Engine.Tests/Runtime/CrashCycleTests.cs adds the write load.
/// </summary>
[Collection("PowerShell")]
public sealed class CrashRecoveryCmdletTests(PowerShellFixture ps)
{
    /// <summary>A real pwsh process (./vscsi) serving vios1 over iSCSI, once it says it is serving.</summary>
    private static async Task<Process> ServeInAnotherProcessAsync(string sys)
    {
        var server = Launcher.Start("-NoProfile", "-NonInteractive", "-Command", $"""
            $ErrorActionPreference = 'Stop'
            Start-VScsiPartition -Name vios1 -IscsiPortal 127.0.0.1:0 -SystemPath '{sys}'
            [Console]::Out.WriteLine('READY')
            [Console]::Out.Flush()
            $null = [Console]::In.ReadLine()
            Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath '{sys}'
            """);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ready = await server.StandardOutput.ReadLineAsync(timeout.Token);
        if (ready == "READY") return server;
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
        throw new Xunit.Sdk.XunitException($"the serving process said '{ready}': {await server.StandardError.ReadToEndAsync()}");
    }

    /// <summary>vios1 as a serving process killed with SIGKILL leaves it.</summary>
    private async Task<string> KilledWhileServingAsync()
    {
        var sys = ps.NewPairedSystem();
        using var server = await ServeInAnotherProcessAsync(sys);
        server.Kill(entireProcessTree: true);   // SIGKILL: no cleanup of any kind
        await server.WaitForExitAsync();
        Assert.True(File.Exists(Path.Combine(sys, "serve-1.sock")), "a killed server leaves its control socket");
        return sys;
    }

    [Fact]
    public async Task StartVScsiPartition_AfterKillNine_WarnsWhatItClearedAndServes()
    {
        var sys = await KilledWhileServingAsync();
        var r = ps.Run($"""
            $sys = '{sys}'
            (Get-VScsiPartition vios1 -SystemPath $sys).State
            Start-VScsiPartition vios1 -SystemPath $sys 3>&1 | ForEach-Object ToString
            (Get-VScsiPartition vios1 -SystemPath $sys).State
            Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            """);
        Assert.Empty(r.Errors);
        Assert.Equal("Stale", r.Output[0].ToString());
        var warning = r.Output[1].ToString();
        Assert.StartsWith("Partition 'vios1' was left behind by a serving process that is gone", warning);
        Assert.Contains("the Running state (profile 'default_profile')", warning);
        Assert.Matches(@"the iSCSI portal record 127\.0\.0\.1:\d+ of process \d+", warning);
        Assert.Contains("the control socket " + Path.Combine(sys, "serve-1.sock"), warning);
        Assert.Equal(["Running"], r.Output.Skip(2).Select(o => o.ToString()));
    }

    [Fact]
    public async Task StopVScsiPartition_AfterKillNine_ClearsTheStaleStateWithAWarning()
    {
        var sys = await KilledWhileServingAsync();
        var r = ps.Run($"""
            $sys = '{sys}'
            Stop-VScsiPartition vios1 -PassThru -Confirm:$false -SystemPath $sys 3>&1 | ForEach-Object ToString
            $p = Get-VScsiPartition vios1 -SystemPath $sys
            $p.State
            $p.IscsiPortal -eq $null
            """);
        Assert.Empty(r.Errors);
        Assert.Contains("cleared the iSCSI portal record", r.Output[0].ToString());
        Assert.Equal(["vios1", "NotActivated", "True"], r.Output.Skip(1).Select(o => o.ToString()));
        Assert.False(File.Exists(Path.Combine(sys, "serve-1.sock")));
    }

    [Fact]
    public async Task StartAndStop_WhileAnotherProcessServes_RefusedAndNothingCleared()
    {
        var sys = ps.NewPairedSystem();
        using var server = await ServeInAnotherProcessAsync(sys);
        try
        {
            var r = ps.Run($"""
                $sys = '{sys}'
                (Get-VScsiPartition vios1 -SystemPath $sys).State
                Start-VScsiPartition vios1 -SystemPath $sys
                Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
                $p = Get-VScsiPartition vios1 -SystemPath $sys
                $p.State
                $p.IscsiPortal -ne $null
                """);
            Assert.Equal(["Running", "Running", "True"], r.Output.Select(o => o.ToString()));
            Assert.Equal(["PartitionRunning", "PartitionServedElsewhere"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.True(File.Exists(Path.Combine(sys, "serve-1.sock")));
        }
        finally
        {
            await server.StandardInput.WriteLineAsync();
            server.StandardInput.Close();
            await server.WaitForExitAsync();
        }
        Assert.Equal(0, server.ExitCode);
    }
}
