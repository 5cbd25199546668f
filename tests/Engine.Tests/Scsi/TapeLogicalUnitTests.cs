using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Scsi.Tape;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>The SSC tape drive over SIMH cartridges: block modes, filemarks, spacing, positions, end of data, early warning, overflow, protection.</summary>
public sealed class TapeLogicalUnitTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-ssc-{Guid.NewGuid():N}");
    private readonly TapeLogicalUnit _drive = new(new LogicalUnitIdentity("VSCSI", "VTAPE", "0001", "TAPE1", Guid.NewGuid()));
    private TapeImage? _cartridge;

    public TapeLogicalUnitTests()
    {
        Directory.CreateDirectory(_dir);
        _drive.Attentions.Take(ScsiCommand.DefaultNexus);
    }

    public void Dispose()
    {
        _drive.Unload()?.Dispose();
        _cartridge?.Dispose();
        Directory.Delete(_dir, true);
    }

    private string Load(long capacity = 1 << 20, bool readOnly = false, Action<TapeImage>? fill = null)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.tap");
        using (var blank = TapeImage.Create(path, capacity)) fill?.Invoke(blank);
        _cartridge = TapeImage.Open(path, capacity, readOnly);
        _drive.Load(_cartridge);
        Assert.Equal(SenseReason.MediumMayHaveChanged, _drive.Attentions.Take(ScsiCommand.DefaultNexus));
        return path;
    }

    private async Task<(ScsiResult Result, byte[] Data, byte[] Sense)> Run(byte[] cdb, byte[]? dataOut = null, int dataIn = 0)
    {
        var data = new byte[dataIn];
        var result = await _drive.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), data), CancellationToken.None);
        var sense = new byte[SenseWriter.FixedLength];
        if (result.Status == ScsiStatus.CheckCondition) SenseWriter.WriteFixed(result, sense);
        return (result, data[..Math.Min(result.DataLength, dataIn)], sense);
    }

    private static byte[] Six(byte opcode, int count, byte flags = 0) => [opcode, flags, (byte)(count >> 16), (byte)(count >> 8), (byte)count, 0];

    private static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static int Information(byte[] sense) => BinaryPrimitives.ReadInt32BigEndian(sense.AsSpan(3));

    private static byte[] ReportDensity(byte flags, ushort allocation) => [0x44, flags, 0, 0, 0, 0, 0, (byte)(allocation >> 8), (byte)allocation, 0];

    [Fact]
    public async Task ReportDensitySupport_DescribesTheOneDensity_AndTheLoadedCartridgeWithMedia()
    {
        var (noMedia, _, sense) = await Run(ReportDensity(0x01, 512), dataIn: 512);
        Assert.Equal((SenseKey.NotReady, 0x3A), ((SenseKey)(sense[2] & 0x0F), (int)sense[12]));
        Assert.Equal(ScsiStatus.CheckCondition, noMedia.Status);

        var (all, data, _) = await Run(ReportDensity(0x00, 512), dataIn: 512);
        Assert.Equal((ScsiStatus.Good, 56, 54), (all.Status, data.Length, (int)BinaryPrimitives.ReadUInt16BigEndian(data)));
        Assert.Equal((DensitySupport.DensityCode, DensitySupport.DensityCode, (byte)0xA1), (data[4], data[5], data[6]));   // WRTOK, DEFLT, DLV
        Assert.Equal("SIMHTAPE", System.Text.Encoding.ASCII.GetString(data, 28, 8));

        Load(capacity: 20_000_000, readOnly: true);
        var (_, loaded, _) = await Run(ReportDensity(0x01, 512), dataIn: 512);
        Assert.Equal(0x21, loaded[6]);                                                    // read-only: no WRTOK
        Assert.Equal(20u, BinaryPrimitives.ReadUInt32BigEndian(loaded.AsSpan(16)));        // capacity in 10^6 bytes

        var (_, medium, _) = await Run(ReportDensity(0x02, 512), dataIn: 512);
        Assert.Equal((60, 52, 1, DensitySupport.DensityCode), (medium.Length, (int)BinaryPrimitives.ReadUInt16BigEndian(medium.AsSpan(6)), (int)medium[8], medium[9]));

        for (ushort allocation = 0; allocation <= 60; allocation++)
        {
            var (truncated, bytes, _) = await Run(ReportDensity(0x00, allocation), dataIn: 64);
            Assert.Equal(Math.Min((int)allocation, 56), truncated.DataLength);
            Assert.Equal(data[..bytes.Length], bytes);
        }
    }

    [Fact]
    public async Task NoCartridge_IsNotReadyMediumNotPresent()
    {
        var (r, _, sense) = await Run(new byte[6]);
        SenseAssert.Check(r, SenseKey.NotReady, 0x3A, 0x00);
        Assert.Equal(0x01, (await Run([0x12, 0, 0, 0, 36, 0], dataIn: 36)).Data[0] & 0x1F);   // INQUIRY: sequential-access device
        Assert.Equal(0x80, (await Run([0x12, 0, 0, 0, 36, 0], dataIn: 36)).Data[1]);          // removable
        Assert.Equal(0, sense[2] & 0xE0);
    }

    [Fact]
    public async Task VariableRecords_FilemarksAndEndOfData_ReadBackWithTheirSense()
    {
        Load();
        byte[] a = Bytes(10240, 1), b = Bytes(700, 2);
        Assert.True((await Run(Six(0x0A, a.Length), a)).Result.IsGood);
        Assert.True((await Run(Six(0x0A, b.Length), b)).Result.IsGood);
        Assert.True((await Run(Six(0x10, 1))).Result.IsGood);
        Assert.True((await Run(Six(0x01, 0))).Result.IsGood);                                     // REWIND

        var (r1, d1, _) = await Run(Six(0x08, 10240), dataIn: 10240);
        Assert.True(r1.IsGood);
        Assert.Equal(a, d1);
        var (r2, d2, s2) = await Run(Six(0x08, 512), dataIn: 512);                                   // shorter than the record
        Assert.Equal(0x20, s2[2] & 0xE0);                                                           // ILI
        Assert.Equal(512 - 700, Information(s2));
        Assert.Equal(b[..512], d2);
        var (r3, _, s3) = await Run(Six(0x08, 4096), dataIn: 4096);                                 // the filemark
        SenseAssert.Check(r3, SenseKey.NoSense, 0x00, 0x01);
        Assert.Equal(0x80, s3[2] & 0xE0);
        Assert.Equal(4096, Information(s3));
        var (r4, _, s4) = await Run(Six(0x08, 4096), dataIn: 4096);                                 // end of data
        SenseAssert.Check(r4, SenseKey.BlankCheck, 0x00, 0x05);
        Assert.Equal(4096, Information(s4));

        Assert.True((await Run(Six(0x01, 0))).Result.IsGood);
        var (r5, d5, _) = await Run(Six(0x08, 20000, 0x02), dataIn: 20000);                         // SILI: a longer request is fine
        Assert.True(r5.IsGood);
        Assert.Equal(10240, d5.Length);
    }

    [Fact]
    public async Task FixedBlockMode_FromModeSelect_ReadsAndWritesBlocks()
    {
        var path = Load();
        var select = new byte[12];
        select[3] = 8;
        select[10] = 0x02;                                                                          // block length 512
        Assert.True((await Run([0x15, 0x10, 0, 0, 12, 0], select)).Result.IsGood);
        var sense6 = (await Run([0x1A, 0, 0x10, 0, 255, 0], dataIn: 255)).Data;
        Assert.Equal(512, (sense6[10] << 8) | sense6[11]);
        var data = Bytes(4 * 512, 3);
        Assert.True((await Run(Six(0x0A, 4, 0x01), data)).Result.IsGood);
        Assert.True((await Run(Six(0x01, 0))).Result.IsGood);
        var (r, d, _) = await Run(Six(0x08, 4, 0x01), dataIn: 2048);
        Assert.True(r.IsGood);
        Assert.Equal(data, d);
        var limits = (await Run([0x05, 0, 0, 0, 0, 0], dataIn: 6)).Data;
        Assert.Equal((0xFF, 1), (limits[1], limits[5]));
        _drive.Unload()?.Dispose();
        _cartridge = null;
        using var check = TapeImage.Open(path, 1 << 20, readOnly: true);
        Assert.Equal(4, check.Count);                                                               // four 512-byte records
    }

    [Fact]
    public async Task Space_ByBlocksFilemarksAndToEndOfData_WithResidues()
    {
        Load(fill: t =>
        {
            foreach (var i in Enumerable.Range(0, 3)) t.WriteRecord(Bytes(100, i));
            t.WriteFilemarks(1);
            t.WriteRecord(Bytes(100, 9));
            t.WriteFilemarks(1);
        });
        static byte[] Space(int code, int count) => [0x11, (byte)code, (byte)(count >> 16), (byte)(count >> 8), (byte)count, 0];
        Assert.True((await Run(Space(0, 2))).Result.IsGood);
        var (r1, _, s1) = await Run(Space(0, 5));                                                   // meets the filemark after one block
        SenseAssert.Check(r1, SenseKey.NoSense, 0x00, 0x01);
        Assert.Equal(4, Information(s1));
        Assert.True((await Run(Space(1, 1))).Result.IsGood);                                        // to after the second filemark
        Assert.Equal(6, await LongPosition());
        var (r2, _, s2) = await Run(Space(0, -7 & 0xFFFFFF));                                       // back past the beginning
        Assert.Equal(ScsiStatus.CheckCondition, r2.Status);
        Assert.Equal(0x80, s2[2] & 0xE0);                                                           // a filemark stops it first
        Assert.True((await Run(Space(3, 0))).Result.IsGood);
        Assert.Equal(6, await LongPosition());
        Assert.True((await Run(Space(1, -2 & 0xFFFFFF))).Result.IsGood);                            // back over two filemarks
        Assert.Equal(3, await LongPosition());
        var (r3, _, s3) = await Run([0x2B, 0, 0, 0, 0, 0, 99, 0, 0, 0]);                           // LOCATE past end of data
        SenseAssert.Check(r3, SenseKey.BlankCheck, 0x00, 0x05);
        Assert.Equal(6, await LongPosition());
        Assert.True((await Run([0x2B, 0, 0, 0, 0, 0, 0, 0, 0, 0])).Result.IsGood);
        var (shortForm, _, _) = (await Run([0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0], dataIn: 20));
        Assert.True(shortForm.IsGood);
        var (r4, _, s4) = await Run(Space(0, -1 & 0xFFFFFF));                                       // at the beginning: EOM, BEGINNING OF MEDIUM
        SenseAssert.Check(r4, SenseKey.NoSense, 0x00, 0x04);
        Assert.Equal(0x40, s4[2] & 0xE0);
    }

    private async Task<long> LongPosition()
    {
        var (r, d, _) = await Run([0x34, 0x06, 0, 0, 0, 0, 0, 0, 0, 0], dataIn: 32);
        Assert.True(r.IsGood);
        return BinaryPrimitives.ReadInt64BigEndian(d.AsSpan(8));
    }

    [Fact]
    public async Task NearlyFullCartridge_EarlyWarningThenVolumeOverflow()
    {
        Load(capacity: 40 * 1032);
        ScsiResult last = default;
        byte[] sense = [];
        var warned = false;
        for (var i = 0; i < 60; i++)
        {
            (last, _, sense) = await Run(Six(0x0A, 1024), Bytes(1024, i));
            if (last.Reason == SenseReason.EndOfMediumDetected) warned = true;
            if (last.Reason == SenseReason.VolumeOverflow) break;
        }
        Assert.True(warned, "EOM early warning before the end");
        SenseAssert.Check(last, SenseKey.VolumeOverflow, 0x00, 0x02);
        Assert.Equal(0x40, sense[2] & 0xE0);
        Assert.Equal(1024, Information(sense));
    }

    [Fact]
    public async Task WriteProtectedCartridge_RefusesWritesAndSaysSoInModeSense()
    {
        Load(readOnly: true);
        SenseAssert.Check((await Run(Six(0x10, 1))).Result, SenseKey.DataProtect, 0x27, 0x00);
        var header = (await Run([0x1A, 0, 0x3F, 0, 255, 0], dataIn: 255)).Data;
        Assert.Equal(0x80, header[2] & 0x80);
    }

    [Fact]
    public async Task Unload_MakesTheDriveNotReadyUntilLoaded()
    {
        Load();
        Assert.True((await Run([0x1B, 0, 0, 0, 0, 0])).Result.IsGood);                             // unload
        SenseAssert.Check((await Run(new byte[6])).Result, SenseKey.NotReady, 0x3A, 0x00);
        Assert.True((await Run([0x1B, 0, 0, 0, 1, 0])).Result.IsGood);                             // load
        Assert.True((await Run(new byte[6])).Result.IsGood);
        Assert.True((await Run([0x1E, 0, 0, 0, 1, 0])).Result.IsGood);                             // prevent removal
        SenseAssert.Check((await Run([0x1B, 0, 0, 0, 0, 0])).Result, SenseKey.IllegalRequest, 0x24, 0x00);
    }
}
