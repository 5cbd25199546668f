using VScsi.Engine.Transport;
using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Sends any CDB to a client device and returns status, decoded sense and data.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VScsiCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VScsiCommandResult))]
public sealed class InvokeVScsiCommandCommand : ClientDeviceCommandBase
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateCount(6, 32)]
    public byte[] Cdb { get; set; } = [];

    [Parameter]
    public byte[]? DataOut { get; set; }

    [Parameter]
    [ValidateRange(0, 16 * 1024 * 1024)]
    public int DataInLength { get; set; }

    protected override void ProcessRecord()
    {
        var device = ResolveDevice();
        if (device is null) return;
        if (!ShouldProcess(device.Name, $"Send CDB {Convert.ToHexString(Cdb)}")) return;
        var r = device.ClientSession.Session.ExecuteAsync(device.Lun, Cdb, DataOut ?? default(ReadOnlyMemory<byte>), DataInLength).AsTask().GetAwaiter().GetResult();
        WriteObject(new VScsiCommandResult(r));
    }
}
