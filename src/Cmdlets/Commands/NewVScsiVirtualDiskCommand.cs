using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Creates (or registers an existing) disk image owned by a server partition.</summary>
[Cmdlet(VerbsCommon.New, "VScsiVirtualDisk", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiVirtualDisk))]
public sealed class NewVScsiVirtualDiskCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    /// <summary>The disk's name; default: the file name of -Path without its extension.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public long? Size { get; set; }

    [Parameter]
    [ValidateSet("512", "4096")]
    public int BlockSize { get; set; } = 512;

    [Parameter]
    public SwitchParameter Fixed { get; set; }

    [Parameter]
    public SwitchParameter Shareable { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var name = Name ?? System.IO.Path.GetFileNameWithoutExtension(path);
        var action = Size is null ? $"Register existing image '{path}' as virtual disk" : $"Create {(Fixed ? "fixed" : "sparse")} {Size}-byte image '{path}' as virtual disk";
        if (!ShouldProcess($"{Partition}/{name}", action)) return;
        var disk = Use(s => s.CreateVirtualDisk(Partition, name, path, Size, BlockSize, Fixed, Shareable));
        if (disk is not null) WriteObject(new VScsiVirtualDisk(disk, ResolvedSystemPath));
    }
}
