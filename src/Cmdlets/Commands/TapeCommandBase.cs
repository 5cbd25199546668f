using System.Management.Automation;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>What the tape cmdlets share: the -Device must be a tape drive (rmtN), and a failed SSC command becomes an error record.</summary>
public abstract class TapeCommandBase : ClientDeviceCommandBase
{
    /// <summary>The tape drive and a client for it, or null after writing an error.</summary>
    protected (VScsiClientDevice Device, TapeClient Tape)? ResolveTape()
    {
        var device = ResolveDevice();
        if (device is null) return null;
        if (device.Device.DeviceType == 0x01) return (device, new TapeClient(device.ClientSession.Session, device.Lun));
        ReportError("NotATapeDevice", ErrorCategory.InvalidArgument, $"{device.Name} is a {device.Type.ToLowerInvariant()} device, not a tape drive.", device.Name);
        return null;
    }

    /// <summary>Runs a tape operation; false after a refused command was reported with its decoded sense.</summary>
    protected bool RunTape(VScsiClientDevice device, Func<CancellationToken, Task> work)
    {
        try
        {
            work(_stop.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (TapeException e)
        {
            var detail = e.Asc == 0 && e.Ascq == 0 ? e.Message : $"{e.Message} ({SenseText.Describe((int)e.SenseKey, e.Asc, e.Ascq)})";
            ReportError("TapeCommandFailed", ErrorCategory.DeviceError, $"{device.Name}: {detail}", device.Name);
            return false;
        }
    }

    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();
}
