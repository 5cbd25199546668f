using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>REPORT SUPPORTED OPERATION CODES is generated from the opcode table, so it lists exactly what is handled.</summary>
public sealed class SupportedOperationCodesTests() : DiskTestBase(1 << 20)
{

    private static byte[] Cdb(byte options, byte opcode = 0, ushort serviceAction = 0, uint allocation = 4096)
    {
        var cdb = new byte[12];
        cdb[0] = OperationCode.MaintenanceIn;
        cdb[1] = OperationCode.ReportSupportedOperationCodesServiceAction;
        cdb[2] = options;
        cdb[3] = opcode;
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(4), serviceAction);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), allocation);
        return cdb;
    }

    private async Task<(ScsiResult Result, byte[] Data)> Run(byte[] cdb)
    {
        var d = new byte[4096];
        return (await Disk.ExecuteAsync(new ScsiCommand(cdb, default, d), CancellationToken.None), d);
    }

    [Fact]
    public async Task AllCommands_ListsEveryHandledOpcodeAndServiceAction()
    {
        var (result, d) = await Run(Cdb(0));
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(d) / 8;
        SenseAssert.Good(result, 4 + 8 * count);
        var listed = Enumerable.Range(0, count).Select(i => (d[4 + 8 * i], BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(6 + 8 * i)))).ToList();
        Assert.Contains((OperationCode.Read16, (ushort)0), listed);
        Assert.Contains((OperationCode.ServiceActionIn16, (ushort)OperationCode.GetLbaStatusServiceAction), listed);
        Assert.Equal(Disk.Opcodes.Sum(e => Math.Max(1, e.ServiceActions.Count)), count);

        // Every listed command really is handled: none answers INVALID COMMAND OPERATION CODE.
        foreach (var (opcode, _) in listed)
        {
            var probe = new byte[Math.Max(6, OperationCode.LengthOf(opcode))];
            probe[0] = opcode;
            var r = await Disk.ExecuteAsync(new ScsiCommand(probe, default, new byte[512]), CancellationToken.None);
            Assert.False(r.Reason == SenseReason.InvalidOperationCode, $"opcode {opcode:X2} is listed but not handled");
        }
    }

    [Fact]
    public async Task OneCommand_SupportedUnsupportedAndServiceActionForms()
    {
        var (read, d) = await Run(Cdb(1, OperationCode.Read10));
        SenseAssert.Good(read, 14);
        Assert.Equal((3, 10, OperationCode.Read10), (d[1] & 7, (int)BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(2)), d[4]));
        var (none, n) = await Run(Cdb(1, 0xC7));
        SenseAssert.Good(none, 4);
        Assert.Equal(1, n[1] & 7);
        var (sa, s) = await Run(Cdb(2, OperationCode.ServiceActionIn16, OperationCode.ReadCapacity16ServiceAction));
        SenseAssert.Good(sa, 20);
        Assert.Equal(3, s[1] & 7);
        SenseAssert.Check((await Run(Cdb(1, OperationCode.ServiceActionIn16))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
        SenseAssert.Check((await Run(Cdb(2, OperationCode.Read10))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
        SenseAssert.Check((await Run(Cdb(7))).Result, SenseKey.IllegalRequest, 0x24, 0x00, fieldPointer: 2);
    }
}
