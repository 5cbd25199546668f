using System.Management.Automation;
using VScsi.Engine.Runtime;

namespace VScsi.PowerShell;

/// <summary>
/// The process-wide runtime the cmdlets share: the partitions this PowerShell process serves and
/// its client sessions. Removing the module closes them all.
/// </summary>
public sealed class ModuleRuntime : IModuleAssemblyCleanup
{
    public static ServingRegistry Registry { get; private set; } = new();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        var registry = Registry;
        Registry = new ServingRegistry();
        registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
