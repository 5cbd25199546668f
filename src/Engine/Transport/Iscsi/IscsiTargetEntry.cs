using VScsi.Engine.Scsi;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// One target as a portal offers it: its IQN, the SCSI target behind it, who may log in (initiator
/// names with the CmdSN window each gets, or any initiator) and optional CHAP secrets.
/// </summary>
public sealed class IscsiTargetEntry(string iqn, ScsiTarget target)
{
    public string Iqn { get; } = iqn;
    public ScsiTarget Target { get; } = target;
    public string? Alias { get; init; }

    /// <summary>Permitted initiator names and the queue depth (CmdSN window) of each; ignored when <see cref="AnyInitiator"/>.</summary>
    public IReadOnlyDictionary<string, int> Initiators { get; init; } = new Dictionary<string, int>();

    public bool AnyInitiator { get; init; }

    public int DefaultQueueDepth { get; init; } = TaskSet.DefaultQueueDepth;

    /// <summary>CHAP the initiator must answer (one-way), or null for AuthMethod None.</summary>
    public ChapSecret? Chap { get; init; }

    /// <summary>CHAP the target answers for the initiator (mutual); requires <see cref="Chap"/>.</summary>
    public ChapSecret? MutualChap { get; init; }

    public bool Allows(string initiator) => AnyInitiator || Initiators.Keys.Any(i => string.Equals(i, initiator, StringComparison.OrdinalIgnoreCase));

    public int QueueDepthFor(string initiator) =>
        Initiators.FirstOrDefault(i => string.Equals(i.Key, initiator, StringComparison.OrdinalIgnoreCase)).Value is > 0 and var depth ? depth : DefaultQueueDepth;
}
