using System.Diagnostics;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Storage;

public sealed class FileBlockStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-store-{Guid.NewGuid():N}.img");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task Create_Sparse_TakesAlmostNoSpace()
    {
        await using var store = FileBlockStore.Create(_path, 1L << 30);
        Assert.Equal((ulong)(1 << 21), store.BlockCount);
        if (OperatingSystem.IsLinux())
        {
            using var du = Process.Start(new ProcessStartInfo("du", ["-k", _path]) { RedirectStandardOutput = true })!;
            var kib = long.Parse((await du.StandardOutput.ReadToEndAsync()).Split('\t')[0]);
            Assert.True(kib < 1024, $"a 1 GiB sparse image uses {kib} KiB");
        }
    }

    [Fact]
    public async Task Create_ExistingFile_RefusedAndUntouched()
    {
        await File.WriteAllTextAsync(_path, "keep me");
        Assert.Throws<IOException>(() => FileBlockStore.Create(_path, 4096));
        Assert.Equal("keep me", await File.ReadAllTextAsync(_path));
    }

    [Theory]
    [InlineData(0, 512)]
    [InlineData(1000, 512)]
    [InlineData(4096, 1024)]
    public void Create_BadSizeOrBlockSize_Refused(long size, int blockSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FileBlockStore.Create(_path, size, blockSize));

    [Fact]
    public async Task Open_BlockSize4096_CapacityInWholeBlocks()
    {
        await using (FileBlockStore.Create(_path, 8 * 4096, 4096)) { }
        await using var store = FileBlockStore.Open(_path, 4096);
        Assert.Equal((4096, 8ul), (store.BlockSize, store.BlockCount));
        var data = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        await store.WriteAsync(7, data, forceUnitAccess: true, CancellationToken.None);
        var back = new byte[4096];
        await store.ReadAsync(7, back, CancellationToken.None);
        Assert.Equal(data, back);
    }
}

/// <summary>Block devices as physical volumes: their size comes from seeking to the end, since fstat says 0.</summary>
public sealed class BlockDeviceTests
{
    [Fact]
    public async Task Open_LoopDevice_CapacityIsTheDeviceSize()
    {
        // Needs root and loop devices (true on the CI machine); elsewhere the regular-file path is checked instead.
        var image = Path.Combine(Path.GetTempPath(), $"vscsi-loop-{Guid.NewGuid():N}.img");
        await File.WriteAllBytesAsync(image, new byte[4 << 20]);
        string? device = null;
        try
        {
            if (OperatingSystem.IsLinux() && Environment.UserName == "root" && File.Exists("/sbin/losetup") | File.Exists("/usr/sbin/losetup"))
            {
                using var losetup = Process.Start(new ProcessStartInfo("losetup", ["-f", "--show", image]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                var output = (await losetup.StandardOutput.ReadToEndAsync()).Trim();
                await losetup.WaitForExitAsync();
                if (losetup.ExitCode == 0) device = output;
            }
            var path = device ?? image;
            Assert.Equal(4L << 20, FileBlockStore.LengthOf(path));
            await using var store = FileBlockStore.Open(path);
            Assert.Equal((ulong)(4 << 20) / 512, store.BlockCount);
            var data = Enumerable.Repeat((byte)9, 512).ToArray();
            await store.WriteAsync(3, data, forceUnitAccess: true, CancellationToken.None);
            var back = new byte[512];
            await store.ReadAsync(3, back, CancellationToken.None);
            Assert.Equal(data, back);
        }
        finally
        {
            if (device is not null) Process.Start("losetup", ["-d", device])!.WaitForExit();
            File.Delete(image);
        }
    }
}
