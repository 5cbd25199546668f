using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>Every data-in command, every allocation length from 0 up: a prefix of the full response, and no byte written past it.</summary>
public sealed class AllocationLengthTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vscsi-alloc-{Guid.NewGuid():N}.img");
    private FileBlockStore _store = null!;
    private readonly ScsiTarget _target = new();

    public Task InitializeAsync()
    {
        _store = FileBlockStore.Create(_path, 1 << 20);
        var disk = new DiskLogicalUnit(DiskLogicalUnitTests.Identity(), _store);
        disk.Attentions.Take(ScsiCommand.DefaultNexus);
        _target.TryAdd(0, disk);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    /// <summary>Data-in commands and a function that sets their allocation length.</summary>
    public static TheoryData<string> Commands() => ["INQUIRY", "INQUIRY VPD 83", "INQUIRY VPD B0", "MODE SENSE(6)", "MODE SENSE(10)", "READ CAPACITY(16)",
        "REPORT LUNS", "REQUEST SENSE", "GET LBA STATUS", "REPORT SUPPORTED OPERATION CODES", "PERSISTENT RESERVE IN READ KEYS", "PERSISTENT RESERVE IN REPORT CAPABILITIES"];

    private static byte[] Cdb(string name, int allocation) => name switch
    {
        "INQUIRY" => CdbBuilder.Inquiry((ushort)allocation),
        "INQUIRY VPD 83" => CdbBuilder.Inquiry((ushort)allocation, true, 0x83),
        "INQUIRY VPD B0" => CdbBuilder.Inquiry((ushort)allocation, true, 0xB0),
        "MODE SENSE(6)" => CdbBuilder.ModeSense(6, 0x3F, allocation: (ushort)Math.Min(allocation, 255)),
        "MODE SENSE(10)" => CdbBuilder.ModeSense(10, 0x3F, allocation: (ushort)allocation),
        "READ CAPACITY(16)" => CdbBuilder.ReadCapacity16((uint)allocation),
        "REPORT LUNS" => CdbBuilder.ReportLuns((uint)allocation),
        "REQUEST SENSE" => CdbBuilder.RequestSense((byte)Math.Min(allocation, 255)),
        "GET LBA STATUS" => CdbBuilder.GetLbaStatus(0, (uint)allocation),
        "REPORT SUPPORTED OPERATION CODES" => [0xA3, 0x0C, 0, 0, 0, 0, (byte)(allocation >> 24), (byte)(allocation >> 16), (byte)(allocation >> 8), (byte)allocation, 0, 0],
        "PERSISTENT RESERVE IN READ KEYS" => [0x5E, 0, 0, 0, 0, 0, 0, (byte)(allocation >> 8), (byte)allocation, 0],
        _ => [0x5E, 2, 0, 0, 0, 0, 0, (byte)(allocation >> 8), (byte)allocation, 0],
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryAllocationLength_PrefixOfFullResponse_NothingPastIt(string name)
    {
        var full = new byte[4096];
        var all = await _target.ExecuteAsync(0, new ScsiCommand(Cdb(name, 4096), default, full), CancellationToken.None);
        Assert.True(all.IsGood, $"{name}: {all.Status} {all.Reason}");
        var maxAllocation = name.Contains("(6)") || name == "REQUEST SENSE" ? Math.Min(255, all.DataLength + 8) : all.DataLength + 8;
        for (var allocation = 0; allocation <= maxAllocation; allocation++)
        {
            var buffer = Enumerable.Repeat((byte)0xEE, 4096).ToArray();
            var r = await _target.ExecuteAsync(0, new ScsiCommand(Cdb(name, allocation), default, buffer), CancellationToken.None);
            Assert.True(r.IsGood, $"{name} allocation {allocation}: {r.Status} {r.Reason}");
            Assert.Equal(Math.Min(allocation, all.DataLength), r.DataLength);
            Assert.True(buffer.AsSpan(0, r.DataLength).SequenceEqual(full.AsSpan(0, r.DataLength)), $"{name} allocation {allocation}: not a prefix");
            Assert.True(buffer.AsSpan(allocation).IndexOfAnyExcept((byte)0xEE) < 0, $"{name} allocation {allocation}: wrote past it");
        }
    }
}
