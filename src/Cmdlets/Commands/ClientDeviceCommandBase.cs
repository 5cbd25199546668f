using VScsi.Engine.Transport;
using System.Management.Automation;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;

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
    public object Device { get; set; } = null!;

    [Parameter]
    [PartitionNameTransformation]
    [ValidateNotNullOrEmpty]
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
