using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>The target: REPORT LUNS and commands to absent LUNs.</summary>
public sealed class ScsiTargetTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-tgt-{Guid.NewGuid():N}.img");
    private FileBlockStore _store = null!;
    private readonly ScsiTarget _target = new();

    public Task InitializeAsync()
    {
        _store = FileBlockStore.Create(_path, 1 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _store));
        _target.TryAdd(1, new DiskLogicalUnit(DiskLogicalUnitTests.Identity() with { Serial = "SN0002" }, _store));
        _target.TryAdd(300, new DiskLogicalUnit(DiskLogicalUnitTests.Identity() with { Serial = "SN0003" }, _store));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    private ValueTask<ScsiResult> Run(ulong lun, byte[] cdb, byte[] dataIn) => _target.ExecuteAsync(lun, new ScsiCommand(cdb, default, dataIn), CancellationToken.None);

    [Fact]
    public async Task ReportLuns_ListsEveryUnitWithAddressing()
    {
        var d = new byte[64];
        SenseAssert.Good(await Run(7, CdbBuilder.ReportLuns(64), d), 32);
        Assert.Equal(24u, BinaryPrimitives.ReadUInt32BigEndian(d));
        Assert.Equal(new byte[] { 0, 0 }, d.AsSpan(8, 2).ToArray());
        Assert.Equal(new byte[] { 0, 1 }, d.AsSpan(16, 2).ToArray());
        Assert.Equal(new byte[] { 0x41, 0x2C }, d.AsSpan(24, 2).ToArray()); // flat space addressing of LUN 300
    }

    [Fact]
    public async Task ReportLuns_SmallAllocation_TruncatedListLengthKept()
    {
        var d = Enumerable.Repeat((byte)0xEE, 64).ToArray();
        SenseAssert.Good(await Run(0, CdbBuilder.ReportLuns(12), d), 12);
        Assert.Equal(24u, BinaryPrimitives.ReadUInt32BigEndian(d));
        Assert.All(d.Skip(12), b => Assert.Equal(0xEE, b));
        SenseAssert.Check(await Run(0, CdbBuilder.ReportLuns(64, select: 0x10), d), SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
    }

    [Fact]
    public async Task AbsentLun_InquiryNotConnected_OthersLunNotSupported()
    {
        var d = new byte[36];
        SenseAssert.Good(await Run(5, CdbBuilder.Inquiry(36), d), 36);
        Assert.Equal(0x7F, d[0]);
        SenseAssert.Check(await Run(5, CdbBuilder.Read(10, 0, 1), new byte[512]), SenseKey.IllegalRequest, 0x25, 0x00);
    }
}
