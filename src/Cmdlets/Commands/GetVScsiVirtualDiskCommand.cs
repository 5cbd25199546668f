using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists virtual disks, with where they are mapped.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiVirtualDisk")]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class GetVScsiVirtualDiskCommand : PartitionListCommandBase
{
    private protected override string ListedType => "VScsiVirtualDisk";

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        WriteListed((s, partition) => s.GetVirtualDisks(partition), d => d.Name, Name, ConfigurationError.VirtualDiskNotFound, "virtual disk",
            d => new VScsiVirtualDisk(d, ResolvedSystemPath));
    }
}
