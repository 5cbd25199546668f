using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.Engine.Transport;
using VScsi.Engine.Transport.Iscsi;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Opens a session from a client partition's adapters to the server adapters they are paired
/// with: in process when this process serves the server partition, else over iSCSI to the portal
/// of the process that does. With -Portal, logs in to any iSCSI target without the configuration.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "VScsiClient", SupportsShouldProcess = true, DefaultParameterSetName = "Partition")]
[OutputType(typeof(VScsiClientSession))]
public sealed class ConnectVScsiClientCommand : VScsiCmdlet
{
    [Parameter(ParameterSetName = "Partition", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(ParameterSetName = "Partition", Position = 1, ValueFromPipelineByPropertyName = true)]
    public int? Slot { get; set; }

    /// <summary>Commands outstanding at once; default: the client adapter's queue depth (16 unless set).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? QueueDepth { get; set; }

    /// <summary>host[:port] of an iSCSI portal to log in to directly (another machine, any target).</summary>
    [Parameter(ParameterSetName = "Portal", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Portal { get; set; } = "";

    [Parameter(ParameterSetName = "Portal", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string TargetName { get; set; } = "";

    /// <summary>The initiator name to log in as (a client adapter's InitiatorName, for the target's access list).</summary>
    [Parameter(ParameterSetName = "Portal", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string InitiatorName { get; set; } = "";

    [Parameter(ParameterSetName = "Portal")]
    [Credential]
    public PSCredential? Chap { get; set; }

    [Parameter(ParameterSetName = "Portal")]
    [Credential]
    public PSCredential? MutualChap { get; set; }

    /// <summary>Offer CRC32C header and data digests.</summary>
    [Parameter(ParameterSetName = "Portal")]
    public SwitchParameter Digests { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Portal")
        {
            ConnectPortal();
            return;
        }
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
            var registry = ModuleRuntime.Registry;
            var servedHere = adapter.PartnerPartitionId is int id && registry.Find(ResolvedSystemPath, id) is not null;
            var session = Serve<IClientSession>(() => servedHere
                ? registry.Connect(ResolvedSystemPath, adapter, QueueDepth ?? adapter.Iscsi.QueueDepth)
                : registry.ConnectIscsiAsync(ResolvedSystemPath, adapter, QueueDepth).GetAwaiter().GetResult(), adapter.Name);
            if (session is null) continue;
            Emit(session, adapter.PartitionName, adapter.Name, $"{adapter.PartnerPartitionName}/{adapter.PartnerAdapter}");
        }
    }

    /// <summary>A login by portal uses no configuration, so it needs no managed system behind -SystemPath.</summary>
    protected override bool NeedsSystem => ParameterSetName != "Portal";

    private void ConnectPortal()
    {
        if (!StartVScsiPartitionCommand.TryParsePortal(Portal, out var endPoint))
        {
            ReportError("IscsiPortalInvalid", ErrorCategory.InvalidArgument, $"'{Portal}' is not host[:port] with an IP address, e.g. 192.0.2.10:3260.", Portal);
            return;
        }
        if (!ShouldProcess(TargetName, $"Log in over iSCSI at {Portal} as {InitiatorName}")) return;
        var options = new IscsiClientOptions(endPoint.Address.ToString(), endPoint.Port, TargetName, InitiatorName)
        {
            QueueDepth = QueueDepth ?? 16,
            Chap = ChapSecretOf(Chap),
            MutualChap = ChapSecretOf(MutualChap),
            Digests = Digests,
        };
        IscsiClient session;
        try
        {
            session = IscsiClient.ConnectAsync(options).GetAwaiter().GetResult();
        }
        catch (IscsiLoginException e)
        {
            WriteError(new ErrorRecord(e, "IscsiLoginRefused", ErrorCategory.PermissionDenied, TargetName));
            return;
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            WriteError(new ErrorRecord(e, "IscsiPortalUnreachable", ErrorCategory.ConnectionError, Portal));
            return;
        }
        ModuleRuntime.Registry.Track(session);
        Emit(session, InitiatorName, "", TargetName);
    }

    private void Emit(IClientSession session, string partition, string adapter, string server)
    {
        var wrapper = new VScsiClientSession(session, partition, adapter, server, ResolvedSystemPath);
        ModuleRuntime.Sessions[session] = wrapper;
        WriteObject(wrapper);
    }

}
