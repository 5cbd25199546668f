using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>A backing store that fails: the failing unit answers with sense, the target keeps serving the others.</summary>
public sealed class FailingStoreTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-fail-{Guid.NewGuid():N}.img");
    private FileBlockStore _good = null!;
    private readonly FailingStore _bad = new();
    private readonly ScsiTarget _target = new();

    /// <summary>A store whose I/O throws the exception it is told to.</summary>
    private sealed class FailingStore : IBlockStore
    {
        public Exception Failure { get; set; } = new IOException("Input/output error");
        public int BlockSize => 512;
        public ulong BlockCount => 1024;
        public bool IsReadOnly => false;
        public bool IsThin => true;
        public void Grow(ulong blockCount) => throw Failure;
        public ValueTask ReadAsync(ulong lba, Memory<byte> destination, CancellationToken cancellationToken) => throw Failure;
        public ValueTask WriteAsync(ulong lba, ReadOnlyMemory<byte> source, bool forceUnitAccess, CancellationToken cancellationToken) => throw Failure;
        public ValueTask FlushAsync(CancellationToken cancellationToken) => throw Failure;
        public ValueTask UnmapAsync(ulong lba, ulong blocks, CancellationToken cancellationToken) => throw Failure;
        public (bool Mapped, ulong Blocks) GetMapping(ulong lba) => (true, 1);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public Task InitializeAsync()
    {
        _good = FileBlockStore.Create(_path, 1 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _good));
        _target.TryAdd(1, new DiskLogicalUnit(DiskLogicalUnitTests.Identity() with { Serial = "BAD" }, _bad));
        foreach (var lun in new ulong[] { 0, 1 }) _target[lun]!.Attentions.Take(ScsiCommand.DefaultNexus);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _good.DisposeAsync();
        File.Delete(_path);
    }

    private ValueTask<ScsiResult> Run(ulong lun, byte[] cdb, byte[]? dataOut = null) =>
        _target.ExecuteAsync(lun, new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), new byte[512]), CancellationToken.None);

    [Fact]
    public async Task IoError_MediumErrorsOnThatUnit_OtherUnitServes()
    {
        SenseAssert.Check(await Run(1, CdbBuilder.Read(10, 0, 1)), SenseKey.MediumError, 0x11, 0x00);
        SenseAssert.Check(await Run(1, CdbBuilder.Write(10, 0, 1), new byte[512]), SenseKey.MediumError, 0x0C, 0x00);
        SenseAssert.Good(await Run(0, CdbBuilder.Write(10, 0, 1), new byte[512]));
        SenseAssert.Good(await Run(0, CdbBuilder.Read(10, 0, 1)), 512);
        SenseAssert.Good(await Run(1, CdbBuilder.Inquiry(36)), 36);
    }

    [Fact]
    public async Task FileSystemFull_SpaceAllocationFailed()
    {
        _bad.Failure = new IOException("No space left on device", 28);
        SenseAssert.Check(await Run(1, CdbBuilder.Write(10, 0, 1), new byte[512]), SenseKey.DataProtect, 0x27, 0x07);
    }

    [Fact]
    public async Task UnexpectedException_HardwareError()
    {
        _bad.Failure = new InvalidOperationException("bug");
        SenseAssert.Check(await Run(1, CdbBuilder.Read(10, 0, 1)), SenseKey.HardwareError, 0x44, 0x00);
    }

    /// <summary>
    /// A thin disk on a file system that fills up: the write that meets ENOSPC answers the
    /// thin-provisioning space-allocation sense (DATA PROTECT, 27/07), earlier data stays readable.
    /// Needs root to mount a 1 MiB tmpfs (true on the CI machine); elsewhere the mapping is covered
    /// by the simulated failure above.
    /// </summary>
    [Fact]
    public async Task FullFileSystemUnderAThinDisk_SpaceAllocationFailed()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return;
        var mount = Path.Combine(Path.GetTempPath(), $"vscsi-full-{Guid.NewGuid():N}");
        Directory.CreateDirectory(mount);
        Assert.True(await RunAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount), "mount tmpfs (as root)");
        try
        {
            await using var store = FileBlockStore.Create(Path.Combine(mount, "thin.img"), 8 << 20);
            var unit = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), store);
            unit.Attentions.Take(ScsiCommand.DefaultNexus);
            var block = Enumerable.Repeat((byte)0x5A, 64 * 1024).ToArray();
            ScsiResult last = default;
            uint lba = 0;
            for (; lba < 16384; lba += 128)
            {
                last = await unit.ExecuteAsync(new ScsiCommand(CdbBuilder.Write(10, lba, 128), block, default), CancellationToken.None);
                if (!last.IsGood) break;
            }
            SenseAssert.Check(last, SenseKey.DataProtect, 0x27, 0x07);
            Assert.InRange(lba, 128u, 2048u);                                  // about 1 MiB went in first
            var back = new byte[512];
            SenseAssert.Good(await unit.ExecuteAsync(new ScsiCommand(CdbBuilder.Read(10, 0, 1), default, back), CancellationToken.None), 512);
            Assert.All(back, b => Assert.Equal(0x5A, b));
        }
        finally
        {
            await RunAsync("umount", mount);
            Directory.Delete(mount, true);
        }
    }

    private static async Task<bool> RunAsync(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        await p.WaitForExitAsync();
        return p.ExitCode == 0;
    }
}
