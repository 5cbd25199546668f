using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Shows server adapters with their virtual target devices, like VIOS lsmap -all. A piped object
/// narrows: a server adapter or a mapping to its adapter, a virtual disk or backing device to the
/// mappings it backs, a partition to its adapters; so <c>... | Get-VScsiMapping | Remove-VScsiTargetDevice</c>
/// never reaches another client's disks.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VScsiMapping")]
[OutputType(typeof(VScsiMapping))]
public sealed class GetVScsiMappingCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    /// <summary>A server adapter: name (vhost0), qualified name (vios1/vhost0), adapter or mapping object.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AdapterNameTransformation]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ServerAdapter { get; set; }

    /// <summary>Only the devices backed by this virtual disk or backing device (a name or the disk object).</summary>
    [Parameter]
    [ObjectNameTransformation("VScsiVirtualDisk", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VirtualDiskNameCompleter))]
    public string? BackingDevice { get; set; }

    /// <summary>The piped object itself: a server adapter or a disk narrows to what it names.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        string? qualified = null;
        var piped = InputObject is null ? null : ObjectNameTransformationAttribute.ModuleTypeOf(InputObject);
        var adapter = piped == "VScsiServerAdapter" ? (string?)new AdapterNameTransformationAttribute().Transform(null!, InputObject) : ServerAdapter;
        var backing = piped == "VScsiVirtualDisk" ? InputObject!.Properties["Name"]?.Value?.ToString() : BackingDevice;
        if (adapter is not null && !AdapterNameTransformationAttribute.Split(adapter, ref qualified, out adapter)) return;
        var partitions = qualified is not null ? [qualified] : Partition ?? [null!];
        if (qualified is not null && Partition is not null && !Partition.Contains(qualified, StringComparer.OrdinalIgnoreCase)) return;
        foreach (var partition in partitions)
        {
            var mappings = Use(s => s.GetMappings(partition, adapter));
            foreach (var m in mappings ?? [])
            {
                var devices = m.Devices.Where(d => backing is null || string.Equals(d.BackingDevice, backing, StringComparison.OrdinalIgnoreCase)).ToList();
                if (m.Devices.Count == 0 && backing is null) WriteObject(new VScsiMapping(m, null, ResolvedSystemPath));
                foreach (var d in devices) WriteObject(new VScsiMapping(m, d, ResolvedSystemPath));
            }
        }
    }
}
