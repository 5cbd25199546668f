using System.Security.Cryptography;

namespace VScsi.Cmdlets.Tests;

/// <summary>The iSCSI side of the cmdlets: adapter names and secrets, serving on a portal, refusals.</summary>
[Collection("PowerShell")]
public sealed class IscsiCmdletTests(PowerShellFixture ps)
{
    private const string CredentialFunction = """
        function New-Credential([string] $user, [string] $secret) {
            $s = [Security.SecureString]::new()
            foreach ($ch in $secret.ToCharArray()) { $s.AppendChar($ch) }
            [pscredential]::new($user, $s)
        }

        """;

    private const string Setup = CredentialFunction + """
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys

        """;

    private (HostedResult Result, string Sys) RunIn(string script)
    {
        var sys = ps.NewTempSystemPath();
        return (ps.Run($"$sys = '{sys}'\n" + Setup + script), sys);
    }

    [Fact]
    public void Adapters_ShowGeneratedIscsiNames()
    {
        var (r, _) = RunIn("""
            $s = Get-VScsiServerAdapter -Partition vios1 -SystemPath $sys
            $c = Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys
            $s.IscsiName; $c.InitiatorName; $c.QueueDepth
            """);
        Assert.Empty(r.Errors);
        Assert.Matches(@"^iqn\.2026-11\.org\.vscsi:[a-z0-9.-]+\.vios1\.vhost0$", r.Output[0].ToString());
        Assert.Matches(@"^iqn\.2026-11\.org\.vscsi:[a-z0-9.-]+\.lpar2\.vscsi0$", r.Output[1].ToString());
        Assert.Equal(16, (int)r.Output[2].BaseObject);
    }

    [Fact]
    public void SetAdapters_NameQueueDepthAndChap_SecretsOnlyInAnOwnerOnlyFile()
    {
        var (r, sys) = RunIn("""
            $s = Set-VScsiServerAdapter vios1 vhost0 -IscsiName iqn.2004-01.com.example:vios1 -Chap (New-Credential lpar2 'lpar2-secret-123') -MutualChap (New-Credential vios1 'vios1-secret-456') -PassThru -SystemPath $sys
            $c = Set-VScsiClientAdapter lpar2 vscsi0 -QueueDepth 64 -PassThru -SystemPath $sys
            $s.IscsiName; $s.ChapUser; $s.MutualChapUser; $c.QueueDepth
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["iqn.2004-01.com.example:vios1", "lpar2", "vios1", "64"], r.Output.Select(o => o.ToString()));
        var secrets = Path.Combine(sys, "iscsi-secrets.json");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secrets));
        Assert.Contains("lpar2-secret-123", File.ReadAllText(secrets));
        foreach (var file in Directory.GetFiles(sys).Where(f => f != secrets))
            Assert.DoesNotContain("lpar2-secret-123", File.ReadAllText(file, System.Text.Encoding.Latin1));

        var cleared = ps.Run($"$sys = '{sys}'\n(Set-VScsiServerAdapter vios1 vhost0 -NoChap -IscsiName '' -PassThru -SystemPath $sys).ChapUser");
        Assert.Empty(cleared.Errors);
        Assert.Null(cleared.Output[0]);
        Assert.DoesNotContain("lpar2-secret-123", File.ReadAllText(secrets));
    }

    [Fact]
    public void SetAdapters_Refusals_HaveStableIds()
    {
        var (r, _) = RunIn("""
            Set-VScsiServerAdapter vios1 vhost0 -IscsiName 'IQN.bad name' -SystemPath $sys
            Set-VScsiServerAdapter vios1 vhost0 -Chap (New-Credential lpar2 'short') -SystemPath $sys
            Set-VScsiServerAdapter vios1 vhost0 -NoChap -Chap (New-Credential lpar2 'long-enough-secret') -SystemPath $sys
            Set-VScsiClientAdapter lpar2 vscsi9 -QueueDepth 8 -SystemPath $sys
            Set-VScsiServerAdapter vios1 vhost0 -IscsiName (Get-VScsiClientAdapter lpar2 -SystemPath $sys).InitiatorName -SystemPath $sys
            """);
        Assert.Equal(["IscsiNameInvalid", "ChapSecretInvalid", "ChapParametersConflict", "AdapterNotFound", "IscsiNameInUse"],
            r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
    }

    [Fact]
    public void SetAdapter_WhatIf_WritesNothing()
    {
        var (r, sys) = RunIn("");
        Assert.Empty(r.Errors);
        var db = Path.Combine(sys, "system.db");
        var before = SHA256.HashData(File.ReadAllBytes(db));
        var after = ps.Run($"$sys = '{sys}'\n" + CredentialFunction + """
            Set-VScsiServerAdapter vios1 vhost0 -Chap (New-Credential a 'abcdefghijklmnop') -IscsiName iqn.2004-01.com.example:x -WhatIf -SystemPath $sys
            Set-VScsiClientAdapter lpar2 vscsi0 -QueueDepth 4 -WhatIf -SystemPath $sys
            """);
        Assert.Empty(after.Errors);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(db)));
        Assert.False(File.Exists(Path.Combine(sys, "iscsi-secrets.json")));
    }

    [Fact]
    public void StartWithPortal_RecordsItAndStopClearsIt()
    {
        var (r, _) = RunIn("""
            Start-VScsiPartition vios1 -IscsiPortal 127.0.0.1:0 -SystemPath $sys
            (Get-VScsiPartition vios1 -SystemPath $sys).IscsiPortal
            @(Get-VScsiIscsiSession -Partition vios1).Count
            Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            (Get-VScsiPartition vios1 -SystemPath $sys).IscsiPortal -eq $null
            """);
        Assert.Empty(r.Errors);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", r.Output[0].ToString());
        Assert.Equal(0, (int)r.Output[1].BaseObject);
        Assert.True((bool)r.Output[2].BaseObject);
    }

    [Fact]
    public void StartWithBadPortal_IsRefusedAndThePartitionStaysDown()
    {
        var (r, _) = RunIn("""
            Start-VScsiPartition vios1 -IscsiPortal 'not-an-address' -SystemPath $sys
            $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $listener.Start()
            Start-VScsiPartition vios1 -IscsiPortal "127.0.0.1:$($listener.LocalEndpoint.Port)" -SystemPath $sys
            $listener.Stop()
            (Get-VScsiPartition vios1 -SystemPath $sys).State
            """);
        Assert.Equal(["IscsiPortalInvalid", "IscsiPortalUnavailable"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal("NotActivated", r.Output.Single().ToString());
    }

    [Fact]
    public void ConnectByPortal_LogsInOverIscsiAndTheSessionIsListed()
    {
        var (r, _) = RunIn("""
            $null = New-VScsiVirtualDisk -Partition vios1 -Name root -Path ([IO.Path]::Combine($sys, 'root.img')) -Size 8MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice root -SystemPath $sys
            Start-VScsiPartition vios1 -IscsiPortal 127.0.0.1:0 -SystemPath $sys
            $portal = (Get-VScsiPartition vios1 -SystemPath $sys).IscsiPortal
            $target = (Get-VScsiServerAdapter vios1 -SystemPath $sys).IscsiName
            $initiator = (Get-VScsiClientAdapter lpar2 -SystemPath $sys).InitiatorName
            Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName 'iqn.2026-11.org.vscsi:somebody.else' -SystemPath $sys
            $session = Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName $initiator -Digests -SystemPath $sys
            @($session | Get-VScsiClientDevice).Count
            $listed = @(Get-VScsiIscsiSession -Partition vios1)
            $listed.Count; $listed[0].InitiatorName -eq $initiator; $listed[0].ServerAdapter; $listed[0].Parameters['HeaderDigest']
            $session | Disconnect-VScsiClient -Confirm:$false
            Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            """);
        Assert.Equal(["IscsiLoginRefused"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(["1", "1", "True", "vios1/vhost0", "CRC32C"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void ChangesWhileServing_TakeEffectForTheNextLogin()
    {
        var (r, _) = RunIn("""
            $null = New-VScsiVirtualDisk -Partition vios1 -Name root -Path ([IO.Path]::Combine($sys, 'root.img')) -Size 8MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice root -SystemPath $sys
            Start-VScsiPartition vios1 -IscsiPortal 127.0.0.1:0 -SystemPath $sys
            $portal = (Get-VScsiPartition vios1 -SystemPath $sys).IscsiPortal
            $target = (Get-VScsiServerAdapter vios1 -SystemPath $sys).IscsiName
            $initiator = (Get-VScsiClientAdapter lpar2 -SystemPath $sys).InitiatorName
            Set-VScsiServerAdapter vios1 vhost0 -Chap (New-Credential lpar2 'lpar2-secret-123') -SystemPath $sys
            Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName $initiator -SystemPath $sys
            $s = Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName $initiator -Chap (New-Credential lpar2 'lpar2-secret-123') -SystemPath $sys
            $s.Transport -like 'iscsi://*'
            $s | Disconnect-VScsiClient -Confirm:$false
            # a server adapter added to the running partition becomes a target when its first device is mapped
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -SystemPath $sys
            $null = New-VScsiVirtualDisk -Partition vios1 -Name data -Path ([IO.Path]::Combine($sys, 'data.img')) -Size 8MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost1 -BackingDevice data -SystemPath $sys
            $second = (Get-VScsiServerAdapter vios1 -Name vhost1 -SystemPath $sys).IscsiName
            $s2 = Connect-VScsiClient -Portal $portal -TargetName $second -InitiatorName 'iqn.2026-11.org.vscsi:anyone' -SystemPath $sys
            @($s2 | Get-VScsiClientDevice).Count
            $s2 | Disconnect-VScsiClient -Confirm:$false
            Stop-VScsiPartition vios1 -Confirm:$false -SystemPath $sys
            """);
        Assert.Equal(["IscsiLoginRefused"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(["True", "1"], r.Output.Select(o => o.ToString()));
    }
}
