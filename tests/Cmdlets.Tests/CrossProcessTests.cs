using System.Diagnostics;

namespace VScsi.Cmdlets.Tests;

/// <summary>
/// Issue 4's end-to-end check: a real pwsh process (started through ./vscsi) serves vios1 over
/// iSCSI and writes through its own client session; this process, finding the portal in the configuration, connects lpar2 over
/// iSCSI and reads back what the first wrote. A second attempt to serve the partition fails clearly.
/// </summary>
[Collection("PowerShell")]
public sealed class CrossProcessTests(PowerShellFixture ps)
{
    private const string Pattern = "$pattern = [byte[]]::new(4096); for ($i = 0; $i -lt 4096; $i++) { $pattern[$i] = ($i * 7 + 3) % 256 }";

    [Fact]
    public async Task SecondProcess_ConnectsOverIscsiAndReadsWhatTheServingProcessWrote()
    {
        var sys = NewVios1ServingLpar2();

        using var server = await StartServingHostAsync(sys, "-IscsiPortal 127.0.0.1:0 ");
        try
        {

            var client = ps.Run($"""
                $sys = '{sys}'
                {Pattern}
                (Get-VScsiPartition vios1 -SystemPath $sys).IscsiPortal
                $session = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
                $session.Transport
                $data = Read-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 64 -Count 8
                [Convert]::ToBase64String($data) -eq [Convert]::ToBase64String($pattern)
                Start-VScsiPartition -Name vios1 -SystemPath $sys
                $session | Disconnect-VScsiClient -Confirm:$false
                """);
            Assert.Matches(@"^127\.0\.0\.1:\d+$", client.Output[0].ToString());
            Assert.StartsWith("iscsi://127.0.0.1:", client.Output[1].ToString());
            Assert.True((bool)client.Output[2].BaseObject, "the data read over iSCSI is what the serving process wrote");
            Assert.Equal(["PartitionRunning"], client.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        }
        finally
        {
            await StopAsync(server);
        }
    }

    /// <summary>A new system where vios1 serves lpar2 a 16 MiB disk, root, on vhost0.</summary>
    private string NewVios1ServingLpar2()
    {
        var sys = ps.NewPairedSystem();
        var setup = ps.Run($"""
            $sys = '{sys}'
            $null = New-VScsiVirtualDisk -Partition vios1 -Name root -Path ([IO.Path]::Combine($sys, 'root.img')) -Size 16MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice root -SystemPath $sys
            """);
        Assert.Empty(setup.Errors);
        return sys;
    }

    /// <summary>
    /// Starts real pwsh through ./vscsi that serves vios1 (with <paramref name="serveOptions"/>), writes the pattern
    /// at LBA 64 through lpar2's session and waits for a line on its standard input to stop.
    /// </summary>
    private static async Task<Process> StartServingHostAsync(string sys, string serveOptions)
    {
        var server = Launcher.Start("-NoProfile", "-NonInteractive", "-Command", $"""
            $ErrorActionPreference = 'Stop'
            $sys = '{sys}'
            {Pattern}
            Start-VScsiPartition -Name vios1 {serveOptions}-SystemPath $sys
            $null = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
            Write-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 64 -Data $pattern -Confirm:$false
            [Console]::Out.WriteLine('READY')
            [Console]::Out.Flush()
            $null = [Console]::In.ReadLine()
            Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath $sys
            """);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ready = await server.StandardOutput.ReadLineAsync(timeout.Token);
        if (ready == "READY") return server;
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
        throw new Xunit.Sdk.XunitException($"the serving process said '{ready}': {await server.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Tells the serving process to stop, and checks it stopped cleanly.</summary>
    private static async Task StopAsync(Process server)
    {
        await server.StandardInput.WriteLineAsync();
        server.StandardInput.Close();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(exit.Token);
        Assert.Equal(0, server.ExitCode);
    }

    /// <summary>
    /// Issue 11: ./vscsi execs real pwsh (dotnet pwsh.dll, not the tool's shim, which would start it
    /// as a child and not pass SIGTERM on), so the pid started is the serving pwsh, and SIGTERM to it
    /// ends -Wait, runs the rest of the command and stops the partition cleanly.
    /// </summary>
    [Fact]
    public async Task Wait_SigtermToTheLauncherPid_StopsTheRealPwshCleanly()
    {
        var sys = ps.NewTempSystemPath();
        var setup = ps.Run($"""
            $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath '{sys}'
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -SystemPath '{sys}'
            """);
        Assert.Empty(setup.Errors);
        using var server = Launcher.Start("-NoProfile", "-Command", $"Start-VScsiPartition -Name vios1 -IscsiPortal 127.0.0.1:0 -Wait -SystemPath '{sys}'; 'after'");
        var portal = "";
        for (var i = 0; i < 1200 && portal.Length == 0 && !server.HasExited; i++) // a hang guard, not a timing
        {
            await Task.Delay(100);
            portal = ps.Run($"(Get-VScsiPartition vios1 -SystemPath '{sys}').IscsiPortal").Output.FirstOrDefault()?.ToString() ?? "";
        }
        Assert.Matches(@"^127\.0\.0\.1:\d+$", portal);
        var commandLine = File.ReadAllText($"/proc/{server.Id}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("dotnet", Path.GetFileName(commandLine[0]));
        Assert.Equal("pwsh.dll", Path.GetFileName(commandLine[1]));
        Assert.Contains("powershell", commandLine[1], StringComparison.OrdinalIgnoreCase); // the restored tool in the NuGet cache
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = await server.StandardOutput.ReadToEndAsync(exit.Token);
        await server.WaitForExitAsync(exit.Token);
        Assert.Equal(0, server.ExitCode);
        Assert.Contains("after", output);
        var state = ps.Run($"$p = Get-VScsiPartition vios1 -SystemPath '{sys}'; $p.State; $p.IscsiPortal -eq $null");
        Assert.Equal(["NotActivated", "True"], state.Output.Select(o => o.ToString()));
    }

    /// <summary>
    /// Issue 10, "one command poisons shutdown": a SCSI command with ExpectedDataTransferLength
    /// 0xFFFFFFFF is answered, and SIGTERM afterwards stops the -Wait process cleanly: exit code 0,
    /// the partition not activated, no holder of serve-1.lock and no serve-1.sock left behind.
    /// </summary>
    [Fact]
    public async Task Wait_AfterACommandWithAHugeExpectedLength_SigtermStillStopsCleanly()
    {
        var sys = NewVios1ServingLpar2();
        using var server = Launcher.Start("-NoProfile", "-Command", $"Start-VScsiPartition -Name vios1 -IscsiPortal 127.0.0.1:0 -Wait -SystemPath '{sys}'; 'after'");
        var portal = "";
        for (var i = 0; i < 200 && portal.Length == 0 && !server.HasExited; i++)
        {
            await Task.Delay(100);
            portal = ps.Run($"(Get-VScsiPartition vios1 -SystemPath '{sys}').IscsiPortal").Output.FirstOrDefault()?.ToString() ?? "";
        }
        Assert.Matches(@"^127\.0\.0\.1:\d+$", portal);
        var names = ps.Run($"(Get-VScsiServerAdapter -Partition vios1 -SystemPath '{sys}').IscsiName; (Get-VScsiClientAdapter -Partition lpar2 -SystemPath '{sys}').InitiatorName");
        var answer = await HostileReadAsync(System.Net.IPEndPoint.Parse(portal), names.Output[1].ToString(), names.Output[0].ToString());

        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await server.StandardOutput.ReadToEndAsync(exit.Token);
        var errors = await server.StandardError.ReadToEndAsync(exit.Token);
        await server.WaitForExitAsync(exit.Token);
        Assert.Equal(0, server.ExitCode);
        Assert.Contains("after", output);
        Assert.DoesNotContain("Array dimensions", errors + output);
        using (new FileStream(Path.Combine(sys, "serve-1.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)) { }   // nobody holds the serving lock
        Assert.False(File.Exists(Path.Combine(sys, "serve-1.sock")));
        var state = ps.Run($"(Get-VScsiPartition vios1 -SystemPath '{sys}').State");
        Assert.Equal(["NotActivated"], state.Output.Select(o => o.ToString()));
        Assert.Equal(ScsiResponse, answer);                                  // answered, not dropped
    }

    private const byte ScsiResponse = 0x21, DataIn = 0x25;

    /// <summary>
    /// Logs in over raw iSCSI (RFC 7143 11.12, AuthMethod=None straight to full feature phase) and
    /// sends READ(10) of 8 blocks with ExpectedDataTransferLength 0xFFFFFFFF; returns the opcode of
    /// the PDU that ends it (0 when the target dropped the connection, the defect).
    /// </summary>
    private static async Task<byte> HostileReadAsync(System.Net.IPEndPoint portal, string initiator, string target)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(portal);
        await using var stream = new System.Net.Sockets.NetworkStream(socket);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var keys = System.Text.Encoding.ASCII.GetBytes($"InitiatorName={initiator}\0SessionType=Normal\0TargetName={target}\0AuthMethod=None\0");
        var login = new byte[48 + ((keys.Length + 3) & ~3)];
        login[0] = 0x43;                                                     // immediate Login Request
        login[1] = 0x83;                                                     // T, CSG 0, NSG 3
        login[5] = (byte)(keys.Length >> 16);
        login[6] = (byte)(keys.Length >> 8);
        login[7] = (byte)keys.Length;
        login[8] = 0x80;                                                     // ISID, random type
        login[13] = 0x10;
        login[19] = 1;                                                       // ITT
        keys.CopyTo(login, 48);
        await stream.WriteAsync(login, guard.Token);
        var (response, _) = await ReadPduAsync(stream, guard.Token);
        Assert.Equal(0, response[36]);                                       // login succeeded
        var cmdSn = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(28));
        for (var attempt = 0; attempt < 2; attempt++)                        // the first answer may be the power-on unit attention
        {
            var command = new byte[48];
            command[0] = 0x01;
            command[1] = 0xC1;                                               // F, R, simple
            command[19] = (byte)(10 + attempt);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(command.AsSpan(20), 0xFFFFFFFF);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(command.AsSpan(24), cmdSn++);
            command[32] = 0x28;                                              // READ(10)
            command[40] = 8;                                                 // TRANSFER LENGTH (CDB byte 8)
            await stream.WriteAsync(command, guard.Token);
            while (true)
            {
                var (pdu, ended) = await ReadPduAsync(stream, guard.Token);
                if (ended) return 0;
                var opcode = (byte)(pdu[0] & 0x3F);
                if (opcode == ScsiResponse && pdu[3] == 0x02 && attempt == 0) break;
                if (opcode == ScsiResponse || opcode == DataIn && (pdu[1] & 0x01) != 0) return ScsiResponse;
            }
        }
        return 0;
    }

    /// <summary>One PDU without digests: its header (the rest is read past); ended when the stream closed first.</summary>
    private static async Task<(byte[] Header, bool Ended)> ReadPduAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[48];
        try
        {
            await stream.ReadExactlyAsync(header, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            return (header, true);
        }
        catch (IOException)
        {
            return (header, true);
        }
        var length = header[4] * 4 + ((((header[5] << 16) | (header[6] << 8) | header[7]) + 3) & ~3);
        await stream.ReadExactlyAsync(new byte[length], cancellationToken);
        return (header, false);
    }

    /// <summary>Issue 6: a backup of a partition another process serves is carried out by that process, through its control endpoint.</summary>
    [Fact]
    public async Task Backup_OfAPartitionServedElsewhere_IsTakenByTheServingProcess()
    {
        var sys = NewVios1ServingLpar2();
        using var server = await StartServingHostAsync(sys, "");
        try
        {
            var backup = ps.Run($"""
                $sys = '{sys}'
                {Pattern}
                $b = Start-VScsiBackup -Partition vios1 -Destination $sys -SystemPath $sys
                $b.Type
                (Test-VScsiBackup $b -SystemPath $sys).IsValid
                $r = Restore-VScsiBackup $b -Destination ([IO.Path]::Combine($sys, 'restored')) -Confirm:$false -SystemPath $sys
                $image = [IO.File]::ReadAllBytes([IO.Path]::Combine($sys, 'restored', 'root.img'))
                [Convert]::ToBase64String($image, 64 * 512, 4096) -eq [Convert]::ToBase64String($pattern)
                """);
            Assert.Empty(backup.Errors);
            Assert.Equal(["Full", "True", "True"], backup.Output.Select(o => o.ToString()));
        }
        finally
        {
            await StopAsync(server);
        }
    }
}
