using System.Management.Automation;

namespace VScsi.Cmdlets.Tests;

/// <summary>Start-VScsiBackup as a script sees it: progress on the pipeline thread, and Ctrl+C (Stop) leaving nothing behind.</summary>
[Collection("PowerShell")]
public sealed class BackupCmdletTests(PowerShellFixture ps)
{
    /// <summary>A system where vios1 owns a 1 GiB disk full of random data (long enough to stop a backup half way).</summary>
    private string SystemWithFullDisk()
    {
        var sys = ps.NewTempSystemPath();
        var setup = ps.Run($"""
            $sys = '{sys}'
            $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
            $null = New-VScsiVirtualDisk -Partition vios1 -Name root -Path ([IO.Path]::Combine($sys, 'root.img')) -Size 1GB -SystemPath $sys
            $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($sys, 'backups'))
            """);
        Assert.Empty(setup.Errors);
        using var image = new FileStream(Path.Combine(sys, "root.img"), FileMode.Open, FileAccess.Write);
        var chunk = new byte[1 << 20];
        for (var i = 0; i < 1024; i++)
        {
            Random.Shared.NextBytes(chunk);
            image.Write(chunk);
        }
        return sys;
    }

    [Fact]
    public void StartVScsiBackup_StoppedHalfWay_LeavesNoArchiveAndNoCatalogEntry()
    {
        var sys = SystemWithFullDisk();
        var backups = Path.Combine(sys, "backups");
        var stopped = false;
        ps.Invoke($"Start-VScsiBackup -Partition vios1 -Destination '{backups}' -SystemPath '{sys}'", p =>
        {
            using var progressed = new ManualResetEventSlim();
            p.Streams.Progress.DataAdded += (_, _) => progressed.Set();
            var run = p.BeginInvoke();
            stopped = progressed.Wait(TimeSpan.FromSeconds(30)) && !run.IsCompleted;
            p.Stop();                                                       // what Ctrl+C does
            return [];
        });
        Assert.True(stopped, "the backup reported progress and was still running when stopped");
        Assert.Empty(Directory.GetFiles(backups));                          // no archive, no .partial
        var after = ps.Run($"@(Get-VScsiBackup -SystemPath '{sys}').Count; (Start-VScsiBackup -Partition vios1 -Destination '{backups}' -SystemPath '{sys}').Type");
        Assert.Empty(after.Errors);
        Assert.Equal(["0", "Full"], after.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void StartVScsiBackup_WritesProgressWithBytesRateAndTimeLeft()
    {
        var sys = SystemWithFullDisk();
        var records = ps.Invoke($"Start-VScsiBackup -Partition vios1 -Destination '{Path.Combine(sys, "backups")}' -SystemPath '{sys}'", p =>
        {
            var output = p.Invoke();
            return new System.Collections.ObjectModel.Collection<PSObject>(p.Streams.Progress.Select(r => new PSObject(r)).Concat(output).ToList());
        });
        var progress = records.Select(r => r.BaseObject).OfType<ProgressRecord>().ToList();
        Assert.Contains(progress, r => r.RecordType == ProgressRecordType.Completed);
        Assert.Contains(progress, r => r.StatusDescription.Contains("MiB/s", StringComparison.Ordinal) && r.PercentComplete is >= 0 and <= 100);
        Assert.Single(records, r => r.BaseObject.GetType().Name == "VScsiBackup");
    }
}
