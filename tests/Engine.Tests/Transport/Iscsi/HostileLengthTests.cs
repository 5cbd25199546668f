using System.Collections.Concurrent;
using System.Net;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi;

/// <summary>
/// Lengths from the wire that a hostile or broken initiator sets (ExpectedDataTransferLength, CDB
/// transfer lengths, DataSegmentLength, AHS length, Data-Out offsets and bursts, text values): each
/// gets a SCSI or iSCSI answer sized by the target's limits, never an allocation sized by the
/// wire, and the connection carries on (or, where RFC 7143 gives no way to resynchronise, is
/// closed with a log line). Afterwards the portal stops promptly.
/// </summary>
public sealed class HostileLengthTests : IAsyncLifetime
{
    private const string TargetName = "iqn.2026-11.org.vscsi:test.vios1.vhost0";
    private const string Initiator = "iqn.2026-11.org.vscsi:test.lpar2.vscsi0";
    private const int BlockSize = 512;
    private const ushort Blocks = 8;
    private const int Bytes = Blocks * BlockSize;
    private const byte Good = 0x00, CheckCondition = 0x02;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-lengths-{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ScsiTarget _target = new();
    private FileBlockStore _store = null!;
    private IscsiPortal _portal = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = FileBlockStore.Create(Path.Combine(_dir, "disk.img"), 8 << 20);
        _target.TryAdd(0, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "SN-LENGTHS", Guid.NewGuid()), _store));
        _portal = IscsiPortal.Start(new IPEndPoint(IPAddress.Loopback, 0));
        _portal.Logger = _log.Enqueue;
        _portal.Add(new IscsiTargetEntry(TargetName, _target) { Initiators = new Dictionary<string, int> { [Initiator] = 8 } });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Stopping the portal after hostile traffic completes (the shutdown that hung and threw).
        await _portal.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private Task<RawInitiator> LoginAsync(params (string, string)[] extra) => RawInitiator.LoginAsync(_portal.EndPoint, Initiator, TargetName, extra);

    private static (byte Key, byte Asc, byte Ascq) SenseOf(Pdu response) =>
        ((byte)(response.Data[2 + 2] & 0x0F), response.Data[2 + 12], response.Data[2 + 13]);

    private static async Task AssertStillServesAsync(RawInitiator wire)
    {
        using var response = await wire.CommandAsync(new byte[6], read: false, write: false, 0);
        Assert.Equal((Opcode.ScsiResponse, Good), (response.Opcode, response.Header[3]));
    }

    [Theory]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    public async Task Read_ExpectedLengthFarBeyondTheCdb_GoodWithUnderflowResidual(uint edtl)
    {
        await using var wire = await LoginAsync();
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x28, 0, Blocks), read: true, write: false, edtl));
        var data = new List<byte>();
        using var status = await wire.StatusAsync(data);
        // RFC 7143 11.4.5.1 / SAM-5 5.4.3: the command moves what its CDB asks for; the rest of the
        // initiator's buffer is an underflow residual (U bit), EDTL less the bytes sent.
        Assert.Equal(Good, status.Header[3]);
        Assert.Equal(0x02, status.Flags & 0x06);
        Assert.Equal(edtl - Bytes, status.U32(44));
        Assert.Equal(Bytes, data.Count);
        await AssertStillServesAsync(wire);
    }

    [Theory]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    public async Task Write_ExpectedLengthFarBeyondTheCdb_SolicitsOnlyTheCdbLengthAndAnswersUnderflow(uint edtl)
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        var command = wire.Command(RawInitiator.Cdb10(0x2A, 16, Blocks), read: false, write: true, edtl);
        await wire.SendAsync(command);
        using var r2t = await wire.StatusAsync();
        Assert.Equal(Opcode.ReadyToTransfer, r2t.Opcode);
        Assert.Equal((0u, (uint)Bytes), (r2t.U32(40), r2t.U32(44)));     // only the blocks the CDB writes
        var pattern = Enumerable.Range(0, Bytes).Select(i => (byte)(i * 7)).ToArray();
        var dataOut = new Pdu(Opcode.DataOut) { Flags = 0x80, Itt = command.Itt };
        dataOut.U32(20, r2t.U32(20));
        await wire.SendAsync(dataOut, pattern);
        using var response = await wire.StatusAsync();
        Assert.Equal((Opcode.ScsiResponse, Good), (response.Opcode, response.Header[3]));
        Assert.Equal(0x02, response.Flags & 0x06);
        Assert.Equal(edtl - Bytes, response.U32(44));

        var back = new List<byte>();
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x28, 16, Blocks), read: true, write: false, Bytes));
        using var _ = await wire.StatusAsync(back);
        Assert.Equal(pattern, back);
    }

    /// <summary>SBC-4 5.16 (and the other READ/WRITE CDBs): a TRANSFER LENGTH over the Block Limits VPD MAXIMUM TRANSFER LENGTH is INVALID FIELD IN CDB.</summary>
    [Theory]
    [InlineData(0xA8, 12, 0x100000u, true)]
    [InlineData(0xAA, 12, 0x100000u, false)]
    [InlineData(0x88, 16, 0xFFFFFFFFu, true)]
    [InlineData(0x8A, 16, 0xFFFFFFFFu, false)]
    public async Task TransferLengthOverTheMaximum_HugeExpectedLength_CheckConditionInvalidFieldInCdb(byte opcode, int length, uint blocks, bool read)
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        var cdb = length == 12 ? RawInitiator.Cdb12(opcode, 0, blocks) : RawInitiator.Cdb16(opcode, 0, blocks);
        await wire.SendAsync(wire.Command(cdb, read, !read, 0xFFFFFFFF));
        using var response = await wire.StatusAsync();
        Assert.Equal((Opcode.ScsiResponse, CheckCondition), (response.Opcode, response.Header[3]));   // no R2T, no Data-In
        Assert.Equal(((byte)0x05, (byte)0x24, (byte)0x00), SenseOf(response));
        Assert.Contains(_log, line => line.Contains("refused", StringComparison.Ordinal));
        await AssertStillServesAsync(wire);
    }

    [Theory]
    [InlineData(0x88, true)]
    [InlineData(0x8A, false)]
    public async Task RangeBeyondTheCapacity_HugeExpectedLength_CheckConditionLbaOutOfRange(byte opcode, bool read)
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        var command = wire.Command(RawInitiator.Cdb16(opcode, ulong.MaxValue - 3, Blocks), read, !read, 0xFFFFFFFF);
        await wire.SendAsync(command);
        var response = await wire.StatusAsync();
        if (response.Opcode == Opcode.ReadyToTransfer)
        {
            // The range is checked where the handler runs (after unit attentions and reservations, SAM-5 5.14): the write's data comes first.
            Assert.Equal((uint)Bytes, response.U32(44));
            var dataOut = new Pdu(Opcode.DataOut) { Flags = 0x80, Itt = command.Itt };
            dataOut.U32(20, response.U32(20));
            await wire.SendAsync(dataOut, new byte[Bytes]);
            response.Dispose();
            response = await wire.StatusAsync();
        }
        Assert.Equal((Opcode.ScsiResponse, CheckCondition), (response.Opcode, response.Header[3]));
        Assert.Equal(((byte)0x05, (byte)0x21, (byte)0x00), SenseOf(response));
        response.Dispose();
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task CommandWithoutACdbLength_ExpectedLengthOverTheMaximum_CheckConditionNotAnAllocation()
    {
        await using var wire = await LoginAsync();
        var inquiry = new byte[6] { 0x12, 0, 0, 0xFF, 0xFF, 0 };            // allocation length 65535
        await wire.SendAsync(wire.Command(inquiry, read: true, write: false, 0xFFFFFFFF));
        var data = new List<byte>();
        using var status = await wire.StatusAsync(data);
        Assert.Equal(Good, status.Header[3]);                               // what INQUIRY returns, with the rest as underflow
        Assert.Equal(0x02, status.Flags & 0x06);
        Assert.Equal(0xFFFFFFFFu - (uint)data.Count, status.U32(44));
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task ReadCdbFlaggedAsAWrite_RunsWithItsDataGoingNowhereAndOverflowReported()
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x28, 0, Blocks), read: false, write: true, 0xFFFFFFFF));
        using var response = await wire.StatusAsync();
        Assert.Equal((Opcode.ScsiResponse, Good), (response.Opcode, response.Header[3]));   // no R2T: a READ takes no data
        Assert.Equal((0x04, (uint)Bytes), (response.Flags & 0x06, response.U32(44)));
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task DataOutBeyondTheR2TBurst_DataPhaseErrorAndTheConnectionCarriesOn()
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        var command = wire.Command(RawInitiator.Cdb10(0x2A, 0, Blocks), read: false, write: true, Bytes);
        await wire.SendAsync(command);
        using var r2t = await wire.StatusAsync();
        Assert.Equal(Opcode.ReadyToTransfer, r2t.Opcode);
        var dataOut = new Pdu(Opcode.DataOut) { Flags = 0x80, Itt = command.Itt };
        dataOut.U32(20, r2t.U32(20));
        await wire.SendAsync(dataOut, new byte[2 * Bytes]);                 // twice what was asked for
        using var response = await wire.StatusAsync();
        Assert.Equal((Opcode.ScsiResponse, CheckCondition), (response.Opcode, response.Header[3]));
        Assert.Equal(((byte)0x0B, (byte)0x4B, (byte)0x00), SenseOf(response));
        Assert.NotEmpty(_log);
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task DataOutAtAnOffsetBeyondTheExpectedLength_DataPhaseError()
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "No"));
        var command = wire.Command(RawInitiator.Cdb10(0x2A, 0, Blocks), read: false, write: true, Bytes);
        await wire.SendAsync(command);
        using var r2t = await wire.StatusAsync();
        var dataOut = new Pdu(Opcode.DataOut) { Flags = 0x80, Itt = command.Itt };
        dataOut.U32(20, r2t.U32(20));
        dataOut.U32(40, 0xFFFFFF00);
        await wire.SendAsync(dataOut, new byte[Bytes]);
        using var response = await wire.StatusAsync();
        Assert.Equal(((byte)0x0B, (byte)0x4B, (byte)0x00), SenseOf(response));
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task UnsolicitedDataBeyondFirstBurstLength_DataPhaseError()
    {
        await using var wire = await LoginAsync(("InitialR2T", "No"), ("ImmediateData", "Yes"), ("FirstBurstLength", "4096"), ("MaxBurstLength", "8192"));
        var command = wire.Command(RawInitiator.Cdb10(0x2A, 0, 2 * Blocks), read: false, write: true, 2 * Bytes);
        command.Flags &= 0x7F;                                              // F clear: unsolicited Data-Out follows
        await wire.SendAsync(command, new byte[Bytes]);                     // immediate data: the whole first burst
        var dataOut = new Pdu(Opcode.DataOut) { Flags = 0x80, Itt = command.Itt };
        dataOut.U32(20, Pdu.ReservedTag);
        dataOut.U32(40, Bytes);
        await wire.SendAsync(dataOut, new byte[Bytes]);                     // beyond FirstBurstLength
        using var response = await wire.StatusAsync();
        Assert.Equal((Opcode.ScsiResponse, CheckCondition), (response.Opcode, response.Header[3]));
        Assert.Equal(((byte)0x0B, (byte)0x4B, (byte)0x00), SenseOf(response));
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task ImmediateDataBeyondTheExpectedLength_RejectedAndTheConnectionCarriesOn()
    {
        await using var wire = await LoginAsync(("InitialR2T", "Yes"), ("ImmediateData", "Yes"));
        await wire.SendAsync(wire.Command(RawInitiator.Cdb10(0x2A, 0, 1), read: false, write: true, BlockSize), new byte[Bytes]);
        using var reject = await wire.StatusAsync();
        Assert.Equal((Opcode.Reject, RejectReason.ProtocolError), (reject.Opcode, reject.Header[2]));
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task DataSegmentOverMaxRecvDataSegmentLength_ClosedWithALogLineAndNothingRented()
    {
        await using var wire = await LoginAsync();
        var header = wire.Command(RawInitiator.Cdb10(0x2A, 0, Blocks), read: false, write: true, 0xFFFFFFFF).Header;
        header[5] = 0xFF;                                                   // 16 MiB - 1 of immediate data announced
        header[6] = 0xFF;
        header[7] = 0xFF;
        await wire.SendRawAsync(header);
        Assert.True(await wire.ClosedAsync());                              // RFC 7143 7.3: no way to find the next PDU
        Assert.Contains(_log, line => line.Contains("16777215", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExtendedCdbAhsLongerThanThePdu_RejectedAsAnInvalidPduFieldAndTheConnectionCarriesOn()
    {
        await using var wire = await LoginAsync();
        var command = wire.Command(RawInitiator.Cdb10(0x28, 0, 1), read: true, write: false, BlockSize);
        command.Header[4] = 255;                                            // TotalAHSLength: 1020 bytes
        var ahs = new byte[1020];
        ahs[0] = 0xFF;                                                      // AHSLength 65535: far beyond the 1020 there are
        ahs[1] = 0xFF;
        ahs[2] = 1;                                                         // extended CDB
        var bytes = new byte[48 + ahs.Length];
        command.Header.CopyTo(bytes, 0);
        ahs.CopyTo(bytes, 48);
        await wire.SendRawAsync(bytes);
        using var reject = await wire.StatusAsync();                        // RFC 7143 11.17.1: the PDU, not the command, is at fault
        Assert.Equal((Opcode.Reject, RejectReason.InvalidPduField), (reject.Opcode, reject.Header[2]));
        await AssertStillServesAsync(wire);
    }

    [Fact]
    public async Task TextRequestWithAValueOverTheRfcBound_RejectedAndTheConnectionCarriesOn()
    {
        await using var wire = await LoginAsync();
        var text = new Pdu(Opcode.TextRequest) { Immediate = true, Flags = 0x80, Itt = 0x4242 };
        text.U32(20, Pdu.ReservedTag);
        text.U32(24, wire.CmdSn);
        await wire.SendAsync(text, RawInitiator.Keys(("X-com.example.Long", new string('x', 8000))));   // over 255 bytes (RFC 7143 6.1)
        using var answer = (await wire.ReceiveAsync())!;
        Assert.Equal(Opcode.Reject, answer.Opcode);
        await AssertStillServesAsync(wire);
    }
}
