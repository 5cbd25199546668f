using VScsi.Engine.Scsi;
using VScsi.Engine.Transport.InProcess;

namespace VScsi.Engine.Transport;

/// <summary>
/// A client adapter's session with a server adapter, whatever carries it: in the same process
/// (<see cref="ClientSession"/>) or over iSCSI (<see cref="Iscsi.IscsiClient"/>).
/// One I_T nexus; disposing ends it.
/// </summary>
public interface IClientSession : IAsyncDisposable
{
    /// <summary>The initiator port name the target knows this session by.</summary>
    string Nexus { get; }

    int QueueDepth { get; }

    /// <summary>How the session reaches its target, for display: "in-process" or "iscsi://host:port/iqn".</summary>
    string Transport { get; }

    /// <summary>Runs a command with data-in written into <paramref name="dataIn"/>; returns status, sense (empty unless CHECK CONDITION) and the bytes transferred.</summary>
    ValueTask<(ScsiStatus Status, byte[] Sense, int DataLength)> ExecuteAsync(ulong lun, ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> dataOut,
        Memory<byte> dataIn, TaskAttribute attribute = TaskAttribute.Simple, CancellationToken cancellationToken = default);
}

public static class ClientSessionExtensions
{
    /// <summary>Runs a command; data-in lands in a new array of at most <paramref name="dataInLength"/> bytes.</summary>
    public static async ValueTask<ScsiResponse> ExecuteAsync(this IClientSession session, ulong lun, ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> dataOut, int dataInLength,
        TaskAttribute attribute = TaskAttribute.Simple, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataInLength);
        var data = new byte[dataInLength];
        var (status, sense, length) = await session.ExecuteAsync(lun, cdb, dataOut, data, attribute, cancellationToken).ConfigureAwait(false);
        return new ScsiResponse(status, sense, length == data.Length ? data : data[..length], dataInLength - length);
    }
}
