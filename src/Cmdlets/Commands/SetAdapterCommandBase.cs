using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.Engine.Transport.Iscsi;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// What Set-VScsiServerAdapter and Set-VScsiClientAdapter share: an adapter's iSCSI identity and
/// CHAP secrets, kept per slot (so every profile and the running configuration see the same).
/// Secrets go to a file only the owner can read; they are never written to output.
/// </summary>
public abstract class SetAdapterCommandBase : VScsiCmdlet
{
    private protected abstract AdapterKind Kind { get; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Partition { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ObjectNameTransformation("VScsiServerAdapter", "Name", "VScsiClientAdapter", "Name")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The iSCSI name; an empty string goes back to the generated one.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? IscsiName { get; set; }

    /// <summary>One-way CHAP: user name and secret (12 to 255 characters).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Chap { get; set; }

    /// <summary>Mutual CHAP: the name and secret the target answers with.</summary>
    [Parameter]
    [Credential]
    public PSCredential? MutualChap { get; set; }

    /// <summary>Removes both CHAP secrets (back to AuthMethod None).</summary>
    [Parameter]
    public SwitchParameter NoChap { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private protected virtual int? QueueDepthValue => null;

    protected override void ProcessRecord()
    {
        if (NoChap && (Chap is not null || MutualChap is not null))
        {
            ReportError("ChapParametersConflict", ErrorCategory.InvalidArgument, "-NoChap cannot be combined with -Chap or -MutualChap.", Name);
            return;
        }
        var changes = new List<string>();
        if (IscsiName is not null) changes.Add(IscsiName.Length == 0 ? "generated iSCSI name" : $"iSCSI name {IscsiName}");
        if (QueueDepthValue is int depth) changes.Add($"queue depth {depth}");
        if (Chap is not null) changes.Add($"CHAP user {Chap.UserName}");
        if (MutualChap is not null) changes.Add($"mutual CHAP user {MutualChap.UserName}");
        if (NoChap) changes.Add("no CHAP");
        if (changes.Count == 0 || !ShouldProcess($"{Partition}/{Name}", $"Set {string.Join(", ", changes)}")) return;
        var adapter = Use(s => s.GetAdapters(Partition, Kind).FirstOrDefault(a => string.Equals(a.Name, Name, StringComparison.OrdinalIgnoreCase)));
        if (adapter is null)
        {
            ReportError("AdapterNotFound", ErrorCategory.ObjectNotFound, $"Partition '{Partition}' has no {(Kind == AdapterKind.Server ? "server" : "client")} adapter '{Name}'.", Name);
            return;
        }
        var updated = Use(s => s.SetIscsiSettings(Partition, Name, IscsiName, QueueDepthValue, ChapSecretOf(Chap), ChapSecretOf(MutualChap), NoChap));
        if (updated is null) return;
        // A server partition served over iSCSI here takes the change for its next logins; a client
        // adapter's name or depth reaches the target of its paired server adapter the same way.
        var server = Kind == AdapterKind.Server ? updated.PartitionId : updated.PartnerPartitionId;
        if (server is int id) ModuleRuntime.Registry.RefreshIscsi(ResolvedSystemPath, id);
        if (PassThru) WriteObject(VScsiAdapter.Create(updated, ResolvedSystemPath));
    }

}

/// <summary>Sets a server adapter's iSCSI target name and the CHAP secrets initiators must answer.</summary>
[Cmdlet(VerbsCommon.Set, "VScsiServerAdapter", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiServerAdapter))]
public sealed class SetVScsiServerAdapterCommand : SetAdapterCommandBase
{
    private protected override AdapterKind Kind => AdapterKind.Server;
}

/// <summary>Sets a client adapter's iSCSI initiator name, queue depth (the CmdSN window) and the CHAP secrets it logs in with.</summary>
[Cmdlet(VerbsCommon.Set, "VScsiClientAdapter", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiClientAdapter))]
public sealed class SetVScsiClientAdapterCommand : SetAdapterCommandBase
{
    private protected override AdapterKind Kind => AdapterKind.Client;

    /// <summary>Commands the client may have outstanding, 1 to 256.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? QueueDepth { get; set; }

    private protected override int? QueueDepthValue => QueueDepth;
}
