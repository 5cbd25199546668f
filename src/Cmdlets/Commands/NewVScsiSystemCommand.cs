using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Creates a folder (when missing) and an empty managed system in it, so a script or a Pester test
/// can own a throw-away system (TestDrive: too). An existing system is refused with SystemExists.
/// </summary>
[Cmdlet(VerbsCommon.New, "VScsiSystem", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiSystem))]
public sealed class NewVScsiSystemCommand : PSCmdlet
{
    /// <summary>The folder of the new system: a PowerShell path (relative, TestDrive:, FileSystem::...).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SystemPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var folder = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            if (ManagedSystem.Inspect(folder) == SystemFolderState.System)
            {
                using (ManagedSystem.Create(folder)) { } // throws SystemExists
            }
            if (!ShouldProcess(folder, "Create managed system")) return;
            using var system = ManagedSystem.Create(folder);
            WriteObject(new VScsiSystem(system.GetSystem(), system.GetPartitions().Count, folder));
        }
        catch (ConfigurationException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.For(e.Error), ErrorIds.CategoryOf(e.Error), e.Target ?? folder));
        }
    }
}
