using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists virtual disks, with where they are mapped.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiVirtualDisk")]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class GetVScsiVirtualDiskCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var partition in Partition ?? [null!])
        {
            var disks = Use(s => s.GetVirtualDisks(partition));
            if (disks is null) continue;
            foreach (var d in Filter.ByName(this, disks, d => d.Name, Name, ConfigurationError.VirtualDiskNotFound, "virtual disk"))
                WriteObject(new VScsiVirtualDisk(d, ResolvedSystemPath));
        }
    }
}
