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

    /// <summary>The client partition: a name, a partition object, or a client adapter (piped too, by value or by property name).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "ByPartition", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    /// <summary>Only the devices seen through this client adapter (vscsi0) of the partition.</summary>
    [Parameter(ParameterSetName = "ByPartition")]
    [ObjectNameTransformation("VScsiClientAdapter", "Name", "VScsiClientSession", "Adapter")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    public string? Adapter { get; set; }

    /// <summary>The piped object itself: a client adapter or a deserialized session narrows to its adapter.</summary>
    [Parameter(ParameterSetName = "ByPartition", ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var piped = InputObject is null ? null : ObjectNameTransformationAttribute.ModuleTypeOf(InputObject);
        var adapter = piped switch
        {
            "VScsiClientAdapter" => InputObject!.Properties["Name"]?.Value?.ToString(),
            "VScsiClientSession" => InputObject!.Properties["Adapter"]?.Value?.ToString(),
            _ => Adapter,
        };
        var sessions = Session ?? ModuleRuntime.LiveSessions
            .Where(s => ParameterSetName != "ByPartition" || string.Equals(s.Partition, Partition, StringComparison.OrdinalIgnoreCase)
                && (!MyInvocation.BoundParameters.ContainsKey(nameof(SystemPath))        // given or piped: a partition of the same name
                    || string.Equals(s.SystemPath, ResolvedSystemPath, StringComparison.Ordinal)))  // on another system is not this one
            .Where(s => adapter is null || string.Equals(s.Adapter, adapter, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        foreach (var s in sessions)
        {
            foreach (var d in ClientDevices.DiscoverAsync(s.Session).GetAwaiter().GetResult())
                WriteObject(new VScsiClientDevice(d, s));
        }
    }
}
