using System.Management.Automation;
using VScsi.Engine.Runtime;
using VScsi.Engine.Transport.InProcess;

namespace VScsi.PowerShell;

/// <summary>
/// The process-wide runtime the cmdlets share: the partitions this PowerShell process serves and
/// its client sessions. Removing the module closes them all.
/// </summary>
public sealed class ModuleRuntime : IModuleAssemblyCleanup
{
    public static ServingRegistry Registry { get; private set; } = new();

    /// <summary>The session objects handed to the pipeline, by engine session.</summary>
    internal static System.Collections.Concurrent.ConcurrentDictionary<VScsi.Engine.Transport.IClientSession, Output.VScsiClientSession> Sessions { get; } = new();

    /// <summary>Sessions still open; those closed by Stop-VScsiPartition are dropped here.</summary>
    internal static IReadOnlyList<Output.VScsiClientSession> LiveSessions
    {
        get
        {
            var open = Registry.Sessions.ToHashSet();
            foreach (var stale in Sessions.Keys.Where(k => !open.Contains(k)).ToList()) Sessions.TryRemove(stale, out _);
            return Sessions.Values.OrderBy(s => s.Nexus, StringComparer.Ordinal).ToList();
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        var registry = Registry;
        Registry = new ServingRegistry();
        Sessions.Clear();
        registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
