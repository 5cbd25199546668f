using System.Buffers.Binary;
using VScsi.Engine.Backup;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.Engine.Tests.Configuration;
using VScsi.Engine.Tests.Scsi;
using VScsi.Engine.Transport;

namespace VScsi.Engine.Tests.Runtime;

/// <summary>
/// Online backups of a served partition (issue 6): while lpar2 and lpar3 write without pause, the
/// backup must hold both clients' disks exactly as they were at one point in time.
/// </summary>
public sealed class PartitionBackupsTests : IAsyncLifetime
{
    private const int Blocks = 256;                      // written round-robin, 512 bytes each
    private readonly TempSystem _temp = new();
    private readonly ServingRegistry _registry = new();

    public Task InitializeAsync()
    {
        using var s = _temp.Open();
        Topologies.Vios1ServingLpar2AndLpar3(s);
        foreach (var (disk, adapter) in new[] { ("lpar2_root", "vhost0"), ("lpar3_root", "vhost1") })
        {
            s.CreateVirtualDisk("vios1", disk, Path.Combine(_temp.Folder, disk + ".img"), 1 << 20);
            s.AddTargetDevice("vios1", adapter, disk);
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _temp.Dispose();
    }

    private IClientSession Connect(string partition)
    {
        using var s = _temp.Open();
        return _registry.Connect(_temp.Folder, s.GetAdapters(partition, AdapterKind.Client).Single(), 16);
    }

    [Fact]
    public async Task BackupAsync_WhileTwoClientsWrite_HoldsBothDisksAtOnePointInTime()
    {
        _registry.Serve(_temp.Folder, "vios1");
        var disks = new[] { Connect("lpar2"), Connect("lpar3") };
        foreach (var d in disks) await ClientDevices.RetryAttentionAsync(d, 0, new byte[6], 0, default);   // the power-on attention
        // One writer: write n goes to disk n % 2, block (n / 2) % Blocks, and holds n. Writes are
        // sequential, so any crash-consistent point in time is "every write up to some k".
        using var stop = new CancellationTokenSource();
        var written = 0L;
        var writer = Task.Run(async () =>
        {
            var data = new byte[512];
            for (long n = 1; !stop.IsCancellationRequested; n++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(data, n);
                var r = await disks[n % 2].ExecuteAsync(0, CdbBuilder.Write(10, (ulong)(n / 2 % Blocks), 1), data, 0);
                Assert.True(r.IsGood, $"write {n}: {r.Status}");
                Volatile.Write(ref written, n);
            }
        });
        while (Volatile.Read(ref written) < 3 * Blocks) await Task.Delay(5);

        var record = await PartitionBackups.BackupAsync(_registry, _temp.Folder,
            new PartitionBackupRequest("vios1", Path.Combine(_temp.Folder, "backup.tar")), null, CancellationToken.None);
        var afterBackup = Volatile.Read(ref written);
        await Task.Delay(50);
        await stop.CancelAsync();
        await writer;
        Assert.True(Volatile.Read(ref written) > afterBackup, "the clients kept writing after the backup");

        var restored = Path.Combine(_temp.Folder, "restored");
        Directory.CreateDirectory(restored);
        await BackupRestorer.RestoreAsync([record.Path], [new RestoreTarget("lpar2_root", Path.Combine(restored, "a.img")),
            new RestoreTarget("lpar3_root", Path.Combine(restored, "b.img"))], null, CancellationToken.None);
        var images = new[] { File.ReadAllBytes(Path.Combine(restored, "a.img")), File.ReadAllBytes(Path.Combine(restored, "b.img")) };
        long Value(int disk, int block) => BinaryPrimitives.ReadInt64LittleEndian(images[disk].AsSpan(block * 512));
        var k = Enumerable.Range(0, 2).SelectMany(d => Enumerable.Range(0, Blocks).Select(b => Value(d, b))).Max();
        // The one writer has at most one write in flight: write afterBackup + 1 may have reached the
        // disks before the snapshot while its answer came back after it.
        Assert.InRange(k, 3 * Blocks, afterBackup + 1);
        for (var disk = 0; disk < 2; disk++)
        {
            for (var block = 0; block < Blocks; block++)
            {
                var expected = LastWriteUpTo(k, disk, block);
                Assert.True(expected == Value(disk, block), $"disk {disk} block {block}: {Value(disk, block)}, the point in time {k} says {expected}");
            }
        }
    }

    [Fact]
    public async Task Serve_OpensAnOwnerOnlyControlEndpoint_ClosedWhenStopped()
    {
        _registry.Serve(_temp.Folder, "vios1");
        var socket = ControlEndpoint.PathOf(_temp.Folder, 1);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        await _registry.StopAsync(_temp.Folder, 1);
        Assert.False(File.Exists(socket));
    }

    /// <summary>The last write n ≤ k to (disk, block): n = 2 (block + m·Blocks) + disk for the largest m; 0 when none.</summary>
    private static long LastWriteUpTo(long k, int disk, int block)
    {
        var half = (k - disk) / 2;
        if (k < disk || half < block) return 0;
        return 2 * (block + (half - block) / Blocks * Blocks) + disk;
    }
}
