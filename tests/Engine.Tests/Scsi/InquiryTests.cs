using System.Buffers.Binary;
using System.Text;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>INQUIRY, REQUEST SENSE and TEST UNIT READY, shared by every logical unit.</summary>
public sealed class InquiryTests() : DiskTestBase(1 << 20)
{

    private async Task<(ScsiResult Result, byte[] Data)> Run(byte[] cdb, int buffer = 255)
    {
        var data = Enumerable.Repeat((byte)0xEE, buffer).ToArray();
        var result = await Disk.ExecuteAsync(new ScsiCommand(cdb, default, data), CancellationToken.None);
        return (result, data);
    }

    [Fact]
    public async Task Standard_DescribesADiskWithIdentity()
    {
        var (result, d) = await Run(CdbBuilder.Inquiry(96));
        SenseAssert.Good(result, 74);
        Assert.Equal(0x00, d[0]);                   // connected direct-access block device
        Assert.Equal(0x06, d[2]);                   // SPC-4
        Assert.Equal(0x12, d[3]);                   // HiSup, response data format 2
        Assert.Equal(69, d[4]);
        Assert.Equal("VSCSI   VDISK           0001", Encoding.ASCII.GetString(d, 8, 28));
        Assert.Equal(new byte[] { 0x00, 0xA0, 0x04, 0x60, 0x04, 0xC0 }, d[58..64]); // version descriptors: SAM-5, SPC-4, SBC-3
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0x00)]
    [InlineData(true, 0x80)]
    [InlineData(true, 0x83)]
    public async Task EveryAllocationLength_TruncatesWithoutWritingPastIt(bool evpd, byte page)
    {
        var (_, full) = await Run(CdbBuilder.Inquiry(255, evpd, page));
        for (ushort allocation = 0; allocation <= 64; allocation++)
        {
            var (result, d) = await Run(CdbBuilder.Inquiry(allocation, evpd, page));
            Assert.Equal(ScsiStatus.Good, result.Status);
            Assert.True(result.DataLength <= allocation);
            Assert.Equal(full.AsSpan(0, result.DataLength).ToArray(), d.AsSpan(0, result.DataLength).ToArray());
            Assert.All(d.Skip(allocation), b => Assert.Equal(0xEE, b));
        }
    }

    [Fact]
    public async Task VpdPages_SupportedSerialAndStableNaa()
    {
        var (_, pages) = await Run(CdbBuilder.Inquiry(255, true, 0x00));
        Assert.Equal(new byte[] { 0x00, 0x80, 0x83, 0xB0, 0xB1, 0xB2 }, pages.AsSpan(4, pages[3]).ToArray());
        var (_, serial) = await Run(CdbBuilder.Inquiry(255, true, 0x80));
        Assert.Equal("SN0001", Encoding.ASCII.GetString(serial, 4, serial[3]));

        var (_, id) = await Run(CdbBuilder.Inquiry(255, true, 0x83));
        Assert.Equal(0x83, id[1]);
        Assert.Equal(20, BinaryPrimitives.ReadUInt16BigEndian(id.AsSpan(2)));
        Assert.Equal((0x01, 0x03, 16), (id[4] & 0x0F, id[5] & 0x3F, (int)id[7]));  // binary, LU, NAA, 16 bytes
        Assert.Equal(6, id[8] >> 4);                                                  // NAA 6: IEEE registered extended

        // The same identity gives the same NAA after a "restart" (a new unit over the same store).
        var again = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), Store);
        var other = new byte[255];
        await again.ExecuteAsync(new ScsiCommand(CdbBuilder.Inquiry(255, true, 0x83), default, other), CancellationToken.None);
        Assert.Equal(id.AsSpan(0, 24).ToArray(), other.AsSpan(0, 24).ToArray());
    }

    [Fact]
    public async Task UnsupportedPage_InvalidFieldAtPageCode()
    {
        SenseAssert.Check((await Run(CdbBuilder.Inquiry(255, true, 0xB7))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
        SenseAssert.Check((await Run(CdbBuilder.Inquiry(255, false, 0x80))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
    }

    [Fact]
    public async Task RequestSense_NoPendingSense_FixedNoSenseTruncated()
    {
        var (result, d) = await Run(CdbBuilder.RequestSense(8));
        SenseAssert.Good(result, 8);
        Assert.Equal(0x70, d[0]);
        Assert.Equal(0x00, d[2]);
        Assert.Equal(0xEE, d[8]);
        SenseAssert.Check((await Run(CdbBuilder.RequestSense(18, descriptor: true))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 1);
    }

    [Fact]
    public async Task TestUnitReady_Good() => SenseAssert.Good((await Run(new byte[6])).Result);
}
