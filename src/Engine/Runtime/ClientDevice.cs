using System.Buffers.Binary;
using System.Text;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Transport;
using VScsi.Engine.Transport.InProcess;

namespace VScsi.Engine.Runtime;

/// <summary>What a client sees of one logical unit, learned through real SCSI commands.</summary>
public sealed record ClientDevice(string Name, ulong Lun, ulong ViosLun, byte DeviceType, string Vendor, string Product, string Revision,
    string Serial, string NaaId, ulong BlockCount, int BlockSize)
{
    public ulong CapacityBytes => BlockCount * (ulong)BlockSize;

    public string TypeName => DeviceType switch { 0x00 => "Disk", 0x01 => "Tape", 0x05 => "Optical", _ => $"Type{DeviceType:X2}" };
}

/// <summary>
/// Discovers a session's devices the way an initiator does: REPORT LUNS, then INQUIRY (standard,
/// VPD 80h and 83h) and READ CAPACITY(16) per LUN. Disks are named hdisk0, hdisk1... in LUN order.
/// </summary>
public static class ClientDevices
{
    public static async Task<IReadOnlyList<ClientDevice>> DiscoverAsync(IClientSession session, CancellationToken cancellationToken = default)
    {
        var luns = await ReportLunsAsync(session, cancellationToken).ConfigureAwait(false);
        var devices = new List<ClientDevice>();
        var counters = new Dictionary<string, int>();
        foreach (var lun in luns)
        {
            var inquiry = await RetryAttentionAsync(session, lun, Inquiry(0, false), 96, cancellationToken).ConfigureAwait(false);
            if (!inquiry.IsGood || inquiry.Data.Length < 36 || (inquiry.Data[0] >> 5) != 0) continue;
            var type = (byte)(inquiry.Data[0] & 0x1F);
            var serial = await VpdTextAsync(session, lun, 0x80, cancellationToken).ConfigureAwait(false);
            var naa = await NaaAsync(session, lun, cancellationToken).ConfigureAwait(false);
            var (blocks, blockSize) = type switch
            {
                0x00 => await CapacityAsync(session, lun, cancellationToken).ConfigureAwait(false),
                0x05 => await Capacity10Async(session, lun, cancellationToken).ConfigureAwait(false),
                _ => (0ul, 0),
            };
            var prefix = type switch { 0x00 => "hdisk", 0x01 => "rmt", 0x05 => "cd", _ => "dev" };
            counters[prefix] = counters.GetValueOrDefault(prefix) + 1;
            devices.Add(new ClientDevice($"{prefix}{counters[prefix] - 1}", lun, lun < 63 ? LunFormat.ToVios(lun) : 0, type,
                Ascii(inquiry.Data, 8, 8), Ascii(inquiry.Data, 16, 16), Ascii(inquiry.Data, 32, 4), serial, naa, blocks, blockSize));
        }
        return devices;
    }

    /// <summary>Runs a command, retrying once per unit attention (as initiators do after reporting it).</summary>
    public static async Task<ScsiResponse> RetryAttentionAsync(IClientSession session, ulong lun, byte[] cdb, int dataIn, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await session.ExecuteAsync(lun, cdb, default, dataIn, cancellationToken: ct).ConfigureAwait(false);
            if (attempt < 8 && response.Status == ScsiStatus.CheckCondition && (SenseKey)(response.Sense[2] & 0x0F) == SenseKey.UnitAttention)
                continue;
            return response;
        }
    }

    private static async Task<IReadOnlyList<ulong>> ReportLunsAsync(IClientSession session, CancellationToken ct)
    {
        var cdb = new byte[12];
        cdb[0] = OperationCode.ReportLuns;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(6), 8 + 8 * 512);
        var response = await session.ExecuteAsync(0, cdb, default, 8 + 8 * 512, cancellationToken: ct).ConfigureAwait(false);
        if (!response.IsGood) return [];
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(response.Data) / 8;
        return Enumerable.Range(0, Math.Min(count, (response.Data.Length - 8) / 8))
            .Select(i => LunFormat.Decode(response.Data.AsSpan(8 + 8 * i, 8))).ToList();
    }

    private static byte[] Inquiry(byte page, bool evpd) => [OperationCode.Inquiry, (byte)(evpd ? 1 : 0), page, 0, 255, 0];

    private static async Task<string> VpdTextAsync(IClientSession session, ulong lun, byte page, CancellationToken ct)
    {
        var r = await RetryAttentionAsync(session, lun, Inquiry(page, true), 255, ct).ConfigureAwait(false);
        return r.IsGood && r.Data.Length >= 4 ? Ascii(r.Data, 4, Math.Min(r.Data[3], r.Data.Length - 4)) : "";
    }

    private static async Task<string> NaaAsync(IClientSession session, ulong lun, CancellationToken ct)
    {
        var r = await RetryAttentionAsync(session, lun, Inquiry(0x83, true), 255, ct).ConfigureAwait(false);
        if (!r.IsGood || r.Data.Length < 8) return "";
        for (var o = 4; o + 4 <= r.Data.Length;)
        {
            var length = r.Data[o + 3];
            if ((r.Data[o + 1] & 0x0F) == 3 && o + 4 + length <= r.Data.Length)
                return Convert.ToHexString(r.Data, o + 4, length).ToLowerInvariant();
            o += 4 + length;
        }
        return "";
    }

    private static async Task<(ulong Blocks, int BlockSize)> CapacityAsync(IClientSession session, ulong lun, CancellationToken ct)
    {
        var cdb = new byte[16];
        cdb[0] = OperationCode.ServiceActionIn16;
        cdb[1] = OperationCode.ReadCapacity16ServiceAction;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), 32);
        var r = await RetryAttentionAsync(session, lun, cdb, 32, ct).ConfigureAwait(false);
        if (!r.IsGood || r.Data.Length < 12) return (0, 0);
        return (BinaryPrimitives.ReadUInt64BigEndian(r.Data) + 1, (int)BinaryPrimitives.ReadUInt32BigEndian(r.Data.AsSpan(8)));
    }

    /// <summary>READ CAPACITY(10), all an MMC drive answers (MMC-6 6.23); no medium reads as empty.</summary>
    private static async Task<(ulong Blocks, int BlockSize)> Capacity10Async(IClientSession session, ulong lun, CancellationToken ct)
    {
        var r = await RetryAttentionAsync(session, lun, [OperationCode.ReadCapacity10, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8, ct).ConfigureAwait(false);
        if (!r.IsGood || r.Data.Length < 8) return (0, 0);
        return ((ulong)BinaryPrimitives.ReadUInt32BigEndian(r.Data) + 1, (int)BinaryPrimitives.ReadUInt32BigEndian(r.Data.AsSpan(4)));
    }

    private static string Ascii(byte[] data, int offset, int length) => Encoding.ASCII.GetString(data, offset, length).TrimEnd(' ', '\0');
}
