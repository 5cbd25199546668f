using VScsi.Engine.Transport.Iscsi.Login;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// The connection as the context of its <see cref="TargetLogin"/>: PDUs in and out, the portal's
/// targets and session admission. The login itself (RFC 7143 6.3, 12) lives in Login/; this only
/// bounds it by the portal's login timeout and applies what it admitted to the connection.
/// </summary>
internal sealed partial class IscsiTargetConnection : ILoginContext
{
    /// <summary>Runs the login; true when the connection is in the full feature phase.</summary>
    private async Task<bool> LoginAsync()
    {
        var timedOut = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        timeout.CancelAfter(_portal.LoginTimeout);
        await using var _ = timeout.Token.Register(() =>
        {
            timedOut = !_closed.IsCancellationRequested;
            Abort();
        }).ConfigureAwait(false);
        try
        {
            var outcome = await new TargetLogin(this).RunAsync(timeout.Token).ConfigureAwait(false);
            if (outcome is not LoginOutcome.Admitted admitted) return false;
            _framing.HeaderDigest = admitted.Parameters.HeaderDigest;
            _framing.DataDigest = admitted.Parameters.DataDigest;
            _framing.MaxReceiveSegment = admitted.Parameters.TargetMaxRecvDataSegmentLength;
            return true;
        }
        catch (Exception e) when (timedOut && e is OperationCanceledException or IOException or ObjectDisposedException or IscsiProtocolException)
        {
            _portal.Log($"login from {((ILoginContext)this).Peer} did not complete within {_portal.LoginTimeout.TotalSeconds:0.#} s; connection closed");
            return false;
        }
    }

    string ILoginContext.Peer => _socket.RemoteEndPoint?.ToString() ?? "(unknown peer)";

    async ValueTask<Pdu?> ILoginContext.ReceiveAsync(CancellationToken cancellationToken) => await ReadAsync().ConfigureAwait(false);

    /// <summary>The login numbers its responses: the connection's StatSN follows it.</summary>
    async ValueTask ILoginContext.SendAsync(Pdu response, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _statSn = response.U32(24);
        await SendAsync(response, data, status: true).ConfigureAwait(false);
    }

    IscsiTargetEntry? ILoginContext.FindTarget(string iqn) => _portal.Find(iqn);

    bool ILoginContext.WasServed(string iqn) => _portal.WasServed(iqn);

    IscsiSession ILoginContext.Admit(string initiator, ulong isid, ushort tsih, IscsiTargetEntry? entry, SessionParameters parameters, uint cmdSn)
    {
        var session = _portal.Admit(this, initiator, isid, tsih, entry, parameters, cmdSn);
        Entry = entry;
        Session = session;
        session.RemoteEndPoint = _socket.RemoteEndPoint?.ToString();
        return session;
    }

    void ILoginContext.Log(string message) => _portal.Log(message);
}
