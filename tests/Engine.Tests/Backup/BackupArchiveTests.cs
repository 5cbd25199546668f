using VScsi.Engine.Backup;

namespace VScsi.Engine.Tests.Backup;

public sealed class BackupArchiveTests : IDisposable
{
    private const long MiB = 1 << 20;
    private readonly BackupFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    private static byte[] Config => """{"partition":"vios1"}"""u8.ToArray();

    private BackupRequest Request(string destination, BackupType type = BackupType.Full, bool compress = false, params BackupDevice[] devices) =>
        new("vios1", devices, Config, destination, type, compress);

    [Fact]
    public async Task BackupAsync_SparseImages_GnuTarListsAndExtractsIdenticalWithHoles()
    {
        var root = _fx.CreateImage("root.img", 64 * MiB, (0, 65536), (10 * MiB, 3 * 4096), (63 * MiB, 8192));
        var data = _fx.CreateImage("data.img", 16 * MiB, (5 * MiB, 9 * 512 * 8));
        var archive = _fx.PathOf("b.tar");
        var result = await BackupEngine.BackupAsync(Request(archive, devices: [new("root", root), new("data", data)]), null, default);
        Assert.Equal(BackupType.Full, result.Type);
        Assert.True(File.Exists(archive));
        Assert.False(File.Exists(archive + BackupEngine.PartialSuffix));

        var (listCode, listing) = BackupFixture.Run("/usr/bin/tar", $"-tvf \"{archive}\"");
        Assert.True(listCode == 0, listing);
        foreach (var member in new[] { "vscsi-backup.json", "vscsi-config.json", "disks/root.img", "disks/data.img", "vscsi-manifest.json", "vscsi-end.json" })
            Assert.Contains(member, listing);
        Assert.EndsWith("vscsi-end.json", listing.TrimEnd());

        var outDir = _fx.PathOf("out");
        Directory.CreateDirectory(outDir);
        var (code, output) = BackupFixture.Run("/usr/bin/tar", $"-xf \"{archive}\"", outDir);
        Assert.True(code == 0, output);
        foreach (var (name, src) in new[] { ("root", root), ("data", data) })
        {
            var extracted = Path.Combine(outDir, "disks", name + ".img");
            Assert.Equal(File.ReadAllBytes(src), File.ReadAllBytes(extracted));
            Assert.True(BackupFixture.AllocatedBytes(extracted) < 1 * MiB, "holes were not preserved");
        }
        Assert.Equal(Config, File.ReadAllBytes(Path.Combine(outDir, "vscsi-config.json")));

        var verify = await BackupChain.VerifyAsync([archive], null, default);
        Assert.True(verify.IsValid, string.Join("\n", verify.Problems));
    }

    [Fact]
    public async Task BackupAsync_Compressed_ZstdTarExtractsIdentical()
    {
        var root = _fx.CreateImage("root.img", 8 * MiB, (MiB, 65536));
        var archive = _fx.PathOf("b.tar.zst");
        await BackupEngine.BackupAsync(Request(archive, compress: true, devices: [new("root", root)]), null, default);
        Assert.True((await BackupChain.VerifyAsync([archive], null, default)).IsValid);
        if (!File.Exists("/usr/bin/zstd"))
        {
            Assert.Fail("zstd(1) is not installed: the GNU tar --zstd check was skipped; install the zstd package.");
            return;
        }
        var outDir = _fx.PathOf("out");
        Directory.CreateDirectory(outDir);
        var (code, output) = BackupFixture.Run("/usr/bin/tar", $"--zstd -xf \"{archive}\"", outDir);
        Assert.True(code == 0, output);
        Assert.Equal(File.ReadAllBytes(root), File.ReadAllBytes(Path.Combine(outDir, "disks", "root.img")));
    }

    [Fact]
    public async Task VerifyAsync_CorruptedByte_ReportsMemberAndExtent()
    {
        var root = _fx.CreateImage("root.img", 8 * MiB, (2 * MiB, 65536));
        var archive = _fx.PathOf("b.tar");
        await BackupEngine.BackupAsync(Request(archive, devices: [new("root", root)]), null, default);
        var bytes = File.ReadAllBytes(archive);
        var marker = BackupFixture.Pattern(2 * MiB, 64, 1);
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at > 0);
        bytes[at + 1000] ^= 0xFF;
        File.WriteAllBytes(archive, bytes);
        var result = await BackupChain.VerifyAsync([archive], null, default);
        var problem = Assert.Single(result.Problems, p => p.Kind == BackupProblemKind.Corrupt && p.Member == "disks/root.img");
        Assert.Equal(2 * MiB, problem.Offset);
        Assert.Equal(65536, problem.Length);
        Assert.Contains("member disks/root.img extent at offset 2097152 length 65536: checksum mismatch", problem.ToString());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1536)]
    [InlineData(-1024)]
    [InlineData(-10)]
    public async Task VerifyAsync_TruncatedArchive_IsNotValid(int cut)
    {
        var root = _fx.CreateImage("root.img", 4 * MiB, (0, 65536));
        var archive = _fx.PathOf("b.tar");
        await BackupEngine.BackupAsync(Request(archive, devices: [new("root", root)]), null, default);
        var bytes = File.ReadAllBytes(archive);
        var length = cut > 0 ? cut : bytes.Length + cut - 1024; // negative: cut inside the end marker
        File.WriteAllBytes(archive, bytes.AsSpan(0, length).ToArray());
        var result = await BackupChain.VerifyAsync([archive], null, default);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Kind is BackupProblemKind.Truncated or BackupProblemKind.Format);
    }

    [Fact]
    public async Task BackupAsync_Cancelled_LeavesNoArchive()
    {
        var root = _fx.CreateImage("root.img", 64 * MiB, (0, 8 << 20), (16 * MiB, 8 << 20));
        var archive = _fx.PathOf("b.tar");
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.BytesDone >= 2 * MiB) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BackupEngine.BackupAsync(Request(archive, devices: [new("root", root)]), progress, cts.Token));
        Assert.False(File.Exists(archive));
        Assert.False(File.Exists(archive + BackupEngine.PartialSuffix));
    }

    [Fact]
    public async Task RestoreAsync_FullToNewPath_IdenticalAndSparse()
    {
        var root = _fx.CreateImage("root.img", 32 * MiB, (MiB, 65536), (20 * MiB, 4096));
        var archive = _fx.PathOf("b.tar.zst");
        await BackupEngine.BackupAsync(Request(archive, compress: true, devices: [new("root", root), new("other", _fx.CreateImage("o.img", MiB, (0, 512)))]), null, default);
        var target = _fx.PathOf("restored.img");
        var restored = await BackupRestorer.RestoreAsync([archive], [new RestoreTarget("root", target)], null, default);
        Assert.Single(restored);
        Assert.Equal(File.ReadAllBytes(root), File.ReadAllBytes(target));
        Assert.True(BackupFixture.AllocatedBytes(target) < MiB);
        Assert.False(File.Exists(target + BackupRestorer.TemporarySuffix));
    }

    /// <summary>Reports synchronously on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SyncProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
