using System.Buffers.Binary;
using System.Text;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Optical;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>The MMC optical drive: empty and loaded states, reading an ISO 9660 image, DVD-RAM writes, eject and its prevention.</summary>
public sealed class OpticalLogicalUnitTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-mmc-{Guid.NewGuid():N}");
    private readonly OpticalLogicalUnit _drive = new(new LogicalUnitIdentity("VSCSI", "VOPTICAL", "0001", "OPT1", Guid.NewGuid()));

    public OpticalLogicalUnitTests()
    {
        Directory.CreateDirectory(_dir);
        _drive.Attentions.Take(ScsiCommand.DefaultNexus);
    }

    public void Dispose()
    {
        _drive.Unload()?.Dispose();
        Directory.Delete(_dir, true);
    }

    /// <summary>An image laid out as ISO 9660 says: 16 system sectors, then the primary volume descriptor (type 1, "CD001", version 1).</summary>
    private string IsoImage(int sectors = 64)
    {
        var image = new byte[sectors * 2048];
        var pvd = image.AsSpan(16 * 2048);
        pvd[0] = 1;
        Encoding.ASCII.GetBytes("CD001").CopyTo(pvd[1..]);
        pvd[6] = 1;
        Encoding.ASCII.GetBytes("VSCSI_TEST").CopyTo(pvd[40..]);
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.iso");
        File.WriteAllBytes(path, image);
        return path;
    }

    private async Task<(ScsiResult Result, byte[] Data)> Run(byte[] cdb, byte[]? dataOut = null, int dataIn = 0)
    {
        var data = new byte[dataIn];
        var result = await _drive.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), data), CancellationToken.None);
        return (result, data[..Math.Min(result.DataLength, dataIn)]);
    }

    private static byte[] Read10(uint lba, ushort sectors, byte opcode = 0x28)
    {
        var cdb = new byte[10];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), sectors);
        return cdb;
    }

    private static byte[] WithAllocation(byte[] cdb, ushort allocation)
    {
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), allocation);
        return cdb;
    }

    [Fact]
    public async Task EmptyDrive_IsNotReadyAndReportsNoProfile()
    {
        SenseAssert.Check((await Run(new byte[6])).Result, SenseKey.NotReady, 0x3A, 0x00);
        var inquiry = (await Run([0x12, 0, 0, 0, 36, 0], dataIn: 36)).Data;
        Assert.Equal((0x05, 0x80), (inquiry[0] & 0x1F, inquiry[1]));
        var config = (await Run(WithAllocation([0x46, 0, 0, 0, 0, 0, 0, 0, 0, 0], 256), dataIn: 256)).Data;
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(config.AsSpan(6)));
    }

    [Fact]
    public async Task LoadedIso_ReadsThePrimaryVolumeDescriptorAsDvdRom()
    {
        var iso = IsoImage();
        _drive.Load(OpticalMedia.Open(iso, rewritable: false));
        SenseAssert.Check((await Run(new byte[6])).Result, SenseKey.UnitAttention, 0x28, 0x00);  // MEDIUM MAY HAVE CHANGED
        Assert.True((await Run(new byte[6])).Result.IsGood);
        var capacity = (await Run(new byte[10] { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, dataIn: 8)).Data;
        Assert.Equal((63u, 2048u), (BinaryPrimitives.ReadUInt32BigEndian(capacity), BinaryPrimitives.ReadUInt32BigEndian(capacity.AsSpan(4))));
        var (read, sector) = await Run(Read10(16, 1), dataIn: 2048);
        Assert.True(read.IsGood);
        Assert.Equal("\u0001CD001\u0001", Encoding.ASCII.GetString(sector, 0, 7));
        var config = (await Run(WithAllocation([0x46, 0, 0, 0, 0, 0, 0, 0, 0, 0], 256), dataIn: 256)).Data;
        Assert.Equal(0x0010, BinaryPrimitives.ReadUInt16BigEndian(config.AsSpan(6)));            // DVD-ROM
        var toc = (await Run(WithAllocation([0x43, 0, 0, 0, 0, 0, 0, 0, 0, 0], 100), dataIn: 100)).Data;
        Assert.Equal((1, 1, 0xAA), (toc[2], toc[3], toc[14]));
        Assert.Equal(64u, BinaryPrimitives.ReadUInt32BigEndian(toc.AsSpan(16)));                  // lead-out after the last sector
        SenseAssert.Check((await Run(Read10(64, 1), dataIn: 2048)).Result, SenseKey.IllegalRequest, 0x21, 0x00);
        SenseAssert.Check((await Run(Read10(0, 1, 0x2A), new byte[2048])).Result, SenseKey.DataProtect, 0x27, 0x00);
    }

    [Fact]
    public async Task DvdRam_WritesReadBackAndTheProfileSaysRewritable()
    {
        var path = IsoImage(32);
        _drive.Load(OpticalMedia.Open(path, rewritable: true));
        _drive.Attentions.Take(ScsiCommand.DefaultNexus);
        var data = Enumerable.Repeat((byte)0xA5, 2048).ToArray();
        Assert.True((await Run(Read10(3, 1, 0x2A), data)).Result.IsGood);
        Assert.Equal(data, (await Run(Read10(3, 1), dataIn: 2048)).Data);
        var config = (await Run(WithAllocation([0x46, 0, 0, 0, 0, 0, 0, 0, 0, 0], 256), dataIn: 256)).Data;
        Assert.Equal(0x0012, BinaryPrimitives.ReadUInt16BigEndian(config.AsSpan(6)));            // DVD-RAM
    }

    [Fact]
    public async Task Eject_IsRefusedWhilePreventedAndReportedAsAMediaEvent()
    {
        _drive.Load(OpticalMedia.Open(IsoImage(), rewritable: false));
        _drive.Attentions.Take(ScsiCommand.DefaultNexus);
        byte[] events = [0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0];
        Assert.Equal(0x02, (await Run(events, dataIn: 8)).Data[4]);                              // new media, once
        Assert.Equal(0x00, (await Run(events, dataIn: 8)).Data[4]);
        Assert.True((await Run([0x1E, 0, 0, 0, 1, 0])).Result.IsGood);
        SenseAssert.Check((await Run([0x1B, 0, 0, 0, 0x02, 0])).Result, SenseKey.IllegalRequest, 0x53, 0x02);
        Assert.True((await Run([0x1E, 0, 0, 0, 0, 0])).Result.IsGood);
        Assert.True((await Run([0x1B, 0, 0, 0, 0x02, 0])).Result.IsGood);                        // eject
        Assert.Null(_drive.Media);
        Assert.Equal(0x03, (await Run(events, dataIn: 8)).Data[4]);                              // media removal
        SenseAssert.Check((await Run(new byte[6])).Result, SenseKey.UnitAttention, 0x28, 0x00);
        SenseAssert.Check((await Run(new byte[6])).Result, SenseKey.NotReady, 0x3A, 0x00);
    }
}
