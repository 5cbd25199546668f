using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Shows server adapters with their virtual target devices, like VIOS lsmap -all.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiMapping")]
[OutputType(typeof(VScsiMapping))]
public sealed class GetVScsiMappingCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ServerAdapter { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var partition in Partition ?? [null!])
        {
            var mappings = Use(s => s.GetMappings(partition, ServerAdapter));
            foreach (var m in mappings ?? [])
            {
                if (m.Devices.Count == 0) WriteObject(new VScsiMapping(m, null, ResolvedSystemPath));
                foreach (var d in m.Devices) WriteObject(new VScsiMapping(m, d, ResolvedSystemPath));
            }
        }
    }
}
