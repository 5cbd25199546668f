using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>Builds CDBs by name instead of raw byte indexes.</summary>
public static class CdbBuilder
{
    public static byte[] Read(int length, ulong lba, uint blocks, bool fua = false) => ReadWrite(length, true, lba, blocks, fua);

    public static byte[] Write(int length, ulong lba, uint blocks, bool fua = false) => ReadWrite(length, false, lba, blocks, fua);

    private static byte[] ReadWrite(int length, bool read, ulong lba, uint blocks, bool fua)
    {
        var cdb = new byte[length];
        switch (length)
        {
            case 6:
                cdb[0] = read ? OperationCode.Read6 : OperationCode.Write6;
                cdb[1] = (byte)((lba >> 16) & 0x1F);
                BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(2), (ushort)lba);
                cdb[4] = (byte)blocks;
                break;
            case 10:
                cdb[0] = read ? OperationCode.Read10 : OperationCode.Write10;
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), (uint)lba);
                BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), (ushort)blocks);
                break;
            case 12:
                cdb[0] = read ? OperationCode.Read12 : OperationCode.Write12;
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), (uint)lba);
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), blocks);
                break;
            default:
                cdb[0] = read ? OperationCode.Read16 : OperationCode.Write16;
                BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
                BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
                break;
        }
        if (fua && length != 6) cdb[1] |= 0x08;
        return cdb;
    }

    public static byte[] Inquiry(ushort allocation, bool evpd = false, byte page = 0)
    {
        var cdb = new byte[6];
        cdb[0] = OperationCode.Inquiry;
        cdb[1] = (byte)(evpd ? 1 : 0);
        cdb[2] = page;
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(3), allocation);
        return cdb;
    }

    public static byte[] ReadCapacity10() => new byte[10] { OperationCode.ReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    public static byte[] ReadCapacity16(uint allocation, byte serviceAction = OperationCode.ReadCapacity16ServiceAction)
    {
        var cdb = new byte[16];
        cdb[0] = OperationCode.ServiceActionIn16;
        cdb[1] = serviceAction;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), allocation);
        return cdb;
    }

    public static byte[] ReportLuns(uint allocation, byte select = 0)
    {
        var cdb = new byte[12];
        cdb[0] = OperationCode.ReportLuns;
        cdb[2] = select;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), allocation);
        return cdb;
    }

    public static byte[] RequestSense(byte allocation, bool descriptor = false) =>
        [OperationCode.RequestSense, (byte)(descriptor ? 1 : 0), 0, 0, allocation, 0];

    public static byte[] Unmap(ushort parameterListLength, bool anchor = false)
    {
        var cdb = new byte[10];
        cdb[0] = OperationCode.Unmap;
        cdb[1] = (byte)(anchor ? 1 : 0);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), parameterListLength);
        return cdb;
    }

    /// <summary>An UNMAP parameter list with one descriptor per range.</summary>
    public static byte[] UnmapList(params (ulong Lba, uint Blocks)[] ranges)
    {
        var list = new byte[8 + 16 * ranges.Length];
        BinaryPrimitives.WriteUInt16BigEndian(list, (ushort)(list.Length - 2));
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(2), (ushort)(16 * ranges.Length));
        for (var i = 0; i < ranges.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(list.AsSpan(8 + 16 * i), ranges[i].Lba);
            BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(16 + 16 * i), ranges[i].Blocks);
        }
        return list;
    }

    public static byte[] WriteSame(int length, ulong lba, uint blocks, bool unmap = false, bool noDataOut = false)
    {
        var cdb = new byte[length];
        cdb[0] = length == 10 ? OperationCode.WriteSame10 : OperationCode.WriteSame16;
        cdb[1] = (byte)((unmap ? 0x08 : 0) | (noDataOut ? 0x01 : 0));
        if (length == 10)
        {
            BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), (uint)lba);
            BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), (ushort)blocks);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
            BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
        }
        return cdb;
    }

    public static byte[] GetLbaStatus(ulong lba, uint allocation)
    {
        var cdb = ReadCapacity16(allocation, OperationCode.GetLbaStatusServiceAction);
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        return cdb;
    }

    public static byte[] ModeSense(int length, byte page, byte pageControl = 0, ushort allocation = 255, bool dbd = false, bool longLba = false, byte subpage = 0)
    {
        var cdb = new byte[length];
        cdb[0] = length == 6 ? OperationCode.ModeSense6 : OperationCode.ModeSense10;
        cdb[1] = (byte)((dbd ? 0x08 : 0) | (longLba ? 0x10 : 0));
        cdb[2] = (byte)((pageControl << 6) | page);
        cdb[3] = subpage;
        if (length == 6) cdb[4] = (byte)allocation;
        else BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), allocation);
        return cdb;
    }

    public static byte[] ModeSelect(int length, int parameterListLength, bool save = false)
    {
        var cdb = new byte[length];
        cdb[0] = length == 6 ? OperationCode.ModeSelect6 : OperationCode.ModeSelect10;
        cdb[1] = (byte)(0x10 | (save ? 1 : 0));
        if (length == 6) cdb[4] = (byte)parameterListLength;
        else BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), (ushort)parameterListLength);
        return cdb;
    }

    public static byte[] SynchronizeCache(int length, ulong lba, uint blocks)
    {
        var cdb = new byte[length];
        cdb[0] = length == 10 ? OperationCode.SynchronizeCache10 : OperationCode.SynchronizeCache16;
        if (length == 10)
        {
            BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), (uint)lba);
            BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), (ushort)blocks);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
            BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
        }
        return cdb;
    }
}

/// <summary>Assertions on results and their sense data.</summary>
public static class SenseAssert
{
    public static void Good(ScsiResult result, int dataLength = 0)
    {
        Assert.Equal(ScsiStatus.Good, result.Status);
        Assert.Equal(dataLength, result.DataLength);
    }

    /// <summary>CHECK CONDITION with the reason's key/ASC/ASCQ, and the field pointer when given.</summary>
    public static void Check(ScsiResult result, SenseKey key, byte asc, byte ascq, int? fieldPointer = null)
    {
        Assert.Equal(ScsiStatus.CheckCondition, result.Status);
        var sense = new byte[SenseWriter.FixedLength];
        SenseWriter.WriteFixed(result, sense);
        Assert.Equal(0x70, sense[0] & 0x7F);
        Assert.Equal(((SenseKey)(sense[2] & 0x0F), sense[12], sense[13]), (key, asc, ascq));
        if (fieldPointer is int field)
        {
            Assert.Equal(0xC0, sense[15] & 0xC0); // SKSV and C/D
            Assert.Equal(field, BinaryPrimitives.ReadUInt16BigEndian(sense.AsSpan(16)));
        }
    }
}

/// <summary>
/// A disk logical unit over a fresh sparse image, with the power-on unit attention of the default
/// nexus already consumed; the image is deleted afterwards.
/// </summary>
public abstract class DiskTestBase(long sizeBytes) : IAsyncLifetime
{
    protected string ImagePath { get; } = Path.Combine(Path.GetTempPath(), $"vscsi-disk-{Guid.NewGuid():N}.img");
    protected FileBlockStore Store { get; private set; } = null!;
    protected DiskLogicalUnit Disk { get; set; } = null!;

    public virtual Task InitializeAsync()
    {
        Store = FileBlockStore.Create(ImagePath, sizeBytes);
        Disk = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), Store);
        Disk.Attentions.Take(ScsiCommand.DefaultNexus);
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        File.Delete(ImagePath);
    }

    protected ValueTask<ScsiResult> Run(byte[] cdb, byte[]? dataOut = null, byte[]? dataIn = null) =>
        Disk.ExecuteAsync(new ScsiCommand(cdb, dataOut ?? default(ReadOnlyMemory<byte>), dataIn ?? default(Memory<byte>)), CancellationToken.None);
}
