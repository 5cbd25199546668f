using System.Buffers.Binary;
using VScsi.Engine.Transport;
using System.Management.Automation;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// The -Device parameter of the block and command cmdlets: a device object from
/// Get-VScsiClientDevice, or a device name (hdisk0) among this process's sessions, narrowed by
/// -Partition when several clients have a device of that name.
/// </summary>
public abstract class ClientDeviceCommandBase : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(ClientDeviceNameCompleter))]
    public object Device { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string? Partition { get; set; }

    /// <summary>The device, or null after writing an error.</summary>
    protected VScsiClientDevice? ResolveDevice()
    {
        if ((Device is PSObject pso ? pso.BaseObject : Device) is VScsiClientDevice device) return device;
        var name = Device.ToString() ?? "";
        var matches = ModuleRuntime.LiveSessions
            .Where(s => Partition is null || string.Equals(s.Partition, Partition, StringComparison.OrdinalIgnoreCase))
            .SelectMany(s => ClientDevices.DiscoverAsync(s.Session).GetAwaiter().GetResult().Select(d => new VScsiClientDevice(d, s)))
            .Where(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (matches.Count == 1) return matches[0];
        ReportError(matches.Count == 0 ? "ClientDeviceNotFound" : "ClientDeviceAmbiguous",
            matches.Count == 0 ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument,
            matches.Count == 0 ? $"No connected client sees a device '{name}'. Connect-VScsiClient first, or check Get-VScsiClientDevice."
                : $"{matches.Count} clients see a device '{name}'; add -Partition to say which.", name);
        return null;
    }

    /// <summary>The device when it reads and writes blocks (a disk, or a CD/DVD drive with media); else writes an error and returns null.</summary>
    protected VScsiClientDevice? ResolveBlockDevice()
    {
        var device = ResolveDevice();
        if (device is null || device.BlockSize > 0) return device;
        ReportError("NotABlockDevice", ErrorCategory.InvalidOperation, device.Device.DeviceType == 0x01
            ? $"{device.Name} is a tape drive; use Read-VScsiTape, Write-VScsiTape and Set-VScsiTapePosition."
            : $"{device.Name} has no medium or no block size; load media with Mount-VScsiMedia and list the devices again.", device.Name);
        return null;
    }

    /// <summary>READ/WRITE(16) for disks; READ(12)/WRITE(10) for CD/DVD drives, which have no 16-byte forms (MMC-6 6.17, 6.45).</summary>
    protected static byte[] BlockCdb(VScsiClientDevice device, bool write, ulong lba, uint blocks)
    {
        if (device.Device.DeviceType == 0x05)
        {
            var mmc = new byte[write ? 10 : 12];
            mmc[0] = write ? (byte)0x2A : (byte)0xA8;
            BinaryPrimitives.WriteUInt32BigEndian(mmc.AsSpan(2), (uint)Math.Min(lba, uint.MaxValue));
            if (write) BinaryPrimitives.WriteUInt16BigEndian(mmc.AsSpan(7), (ushort)blocks);
            else BinaryPrimitives.WriteUInt32BigEndian(mmc.AsSpan(6), blocks);
            return mmc;
        }
        var cdb = new byte[16];
        cdb[0] = write ? (byte)0x8A : (byte)0x88;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), blocks);
        return cdb;
    }

    /// <summary>Runs a CDB on the device, retrying after unit attentions as an initiator would.</summary>
    protected static VScsi.Engine.Transport.InProcess.ScsiResponse Execute(VScsiClientDevice device, byte[] cdb, byte[]? dataOut, int dataIn)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = device.ClientSession.Session.ExecuteAsync(device.Lun, cdb, dataOut ?? default(ReadOnlyMemory<byte>), dataIn).AsTask().GetAwaiter().GetResult();
            if (attempt < 8 && r.Sense.Length > 2 && (r.Sense[2] & 0x0F) == 0x06) continue;
            return r;
        }
    }

    /// <summary>A failed command as an error record: the decoded sense says what went wrong.</summary>
    protected void ReportScsiFailure(VScsiClientDevice device, VScsi.Engine.Transport.InProcess.ScsiResponse r, string what)
    {
        var detail = r.Sense.Length >= 14 ? SenseText.Describe(r.Sense[2] & 0x0F, r.Sense[12], r.Sense[13]) : r.Status.ToString();
        ReportError("ScsiCommandFailed", ErrorCategory.DeviceError, $"{what} on {device.Name} failed: {detail}.", device.Name);
    }
}
