using System.Management.Automation;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists what a client sees through its sessions, discovered with REPORT LUNS, INQUIRY and READ CAPACITY.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiClientDevice", DefaultParameterSetName = "BySession")]
[OutputType(typeof(VScsiClientDevice))]
public sealed class GetVScsiClientDeviceCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = "BySession")]
    public VScsiClientSession[]? Session { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "ByPartition")]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    protected override void ProcessRecord()
    {
        var sessions = Session ?? ModuleRuntime.LiveSessions
            .Where(s => ParameterSetName != "ByPartition" || string.Equals(s.Partition, Partition, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        foreach (var s in sessions)
        {
            foreach (var d in ClientDevices.DiscoverAsync(s.Session).GetAwaiter().GetResult())
                WriteObject(new VScsiClientDevice(d, s));
        }
    }
}
