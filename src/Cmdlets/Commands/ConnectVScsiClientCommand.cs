using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Opens a session from a client partition's adapters to the server adapters they are paired with (served by this process).</summary>
[Cmdlet(VerbsCommunications.Connect, "VScsiClient", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiClientSession))]
public sealed class ConnectVScsiClientCommand : VScsiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public int? Slot { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int QueueDepth { get; set; } = 16;

    protected override void ProcessRecord()
    {
        var adapters = Use(s => s.GetAdapters(Partition, AdapterKind.Client));
        if (adapters is null) return;
        var chosen = adapters.Where(a => Slot is null || a.Definition.Slot == Slot).ToList();
        if (chosen.Count == 0)
        {
            ReportError("AdapterNotFound", ErrorCategory.ObjectNotFound, $"Partition '{Partition}' has no client adapter{(Slot is null ? "" : $" in slot {Slot}")}.", Partition);
            return;
        }
        foreach (var adapter in chosen)
        {
            if (!ShouldProcess($"{adapter.PartitionName}/{adapter.Name}", $"Connect to {adapter.PartnerPartitionName}/{adapter.PartnerAdapter}")) continue;
            var session = Serve(() => ModuleRuntime.Registry.Connect(ResolvedSystemPath, adapter, QueueDepth), adapter.Name);
            if (session is null) continue;
            var wrapper = new VScsiClientSession(session, adapter.PartitionName, adapter.Name, $"{adapter.PartnerPartitionName}/{adapter.PartnerAdapter}", ResolvedSystemPath);
            ModuleRuntime.Sessions[session] = wrapper;
            WriteObject(wrapper);
        }
    }
}
