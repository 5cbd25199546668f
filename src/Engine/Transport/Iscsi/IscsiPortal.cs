using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// An iSCSI network portal (RFC 7143 4.2.1): listens on one address, logs initiators in to the
/// targets added to it, and keeps the sessions. Connections are async loops over pipes, not threads.
/// </summary>
public sealed class IscsiPortal : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<string, IscsiTargetEntry> _targets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _stopped = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<ushort, IscsiSession> _sessions = new();
    private readonly ConcurrentDictionary<IscsiTargetConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _admission = new();
    private readonly Task _accepting;
    private int _nextTsih;

    private IscsiPortal(Socket listener)
    {
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    /// <summary>Starts listening on <paramref name="endPoint"/> (port 0 picks a free port).</summary>
    public static IscsiPortal Start(IPEndPoint endPoint)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new IscsiPortal(listener);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>How long an idle connection goes before a NOP-In ping (and then how long the answer may take); zero turns pings off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a login may take before the connection is dropped.</summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Diagnostics (refused logins, dropped connections); silent unless set.</summary>
    public Action<string>? Logger { get; set; }

    internal void Log(string message) => Logger?.Invoke(message);

    public IReadOnlyCollection<IscsiTargetEntry> Targets => _targets.Values.ToList();

    public IReadOnlyCollection<IscsiSession> Sessions => _sessions.Values.OrderBy(s => s.Tsih).ToList();

    public void Add(IscsiTargetEntry entry)
    {
        _targets[entry.Iqn] = entry;
        _stopped.TryRemove(entry.Iqn, out _);
    }

    /// <summary>Takes a target off the portal: its sessions are dropped and new logins get "service unavailable".</summary>
    public void Remove(string iqn)
    {
        if (_targets.TryRemove(iqn, out _)) _stopped[iqn] = true;
        CloseSessionsOf(iqn);
    }

    internal IscsiTargetEntry? Find(string iqn) => _targets.GetValueOrDefault(iqn);

    internal bool WasServed(string iqn) => _stopped.ContainsKey(iqn);

    internal void CloseSessionsOf(string iqn)
    {
        foreach (var s in _sessions.Values.Where(s => string.Equals(s.TargetName, iqn, StringComparison.OrdinalIgnoreCase)))
            s.Connection?.Abort();
    }

    /// <summary>
    /// Admits a connection that finished login: a new session (TSIH 0; an existing session of the
    /// same initiator port and target is reinstated: closed first), or a refusal for TSIH continuation.
    /// </summary>
    internal IscsiSession Admit(IscsiTargetConnection connection, string initiator, ulong isid, ushort tsih, IscsiTargetEntry? entry, SessionParameters parameters, uint cmdSn)
    {
        lock (_admission)
        {
            if (tsih != 0)
            {
                var existing = _sessions.GetValueOrDefault(tsih);
                throw existing is null || existing.InitiatorName != initiator
                    ? new LoginRefusedException(LoginStatus.SessionDoesNotExist)
                    : new LoginRefusedException(LoginStatus.TooManyConnections);
            }
            foreach (var old in _sessions.Values.Where(s => s.Isid == isid && s.InitiatorName == initiator && s.TargetName == entry?.Iqn).ToList())
            {
                _sessions.TryRemove(old.Tsih, out _);
                old.Connection?.Abort();
            }
            ushort next;
            do next = (ushort)Interlocked.Increment(ref _nextTsih);
            while (next == 0 || _sessions.ContainsKey(next));
            var session = new IscsiSession(initiator, isid, next, entry?.Iqn, parameters, entry?.QueueDepthFor(initiator) ?? 1, cmdSn) { Connection = connection };
            _sessions[next] = session;
            return session;
        }
    }

    internal void Ended(IscsiSession session, IscsiTargetConnection connection)
    {
        if (session.Connection == connection) _sessions.TryRemove(new KeyValuePair<ushort, IscsiSession>(session.Tsih, session));
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested) return;
                continue;
            }
            socket.NoDelay = true;
            var connection = new IscsiTargetConnection(this, socket);
            _connections[connection] = Task.Run(async () =>
            {
                await connection.RunAsync().ConfigureAwait(false);
                _connections.TryRemove(connection, out _);
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var c in _connections.Keys) c.Abort();
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }
}

/// <summary>A login refused after negotiation (at session admission), with its login status.</summary>
internal sealed class LoginRefusedException(ushort status, string? reason = null) : Exception(reason ?? LoginStatus.Describe(status))
{
    public ushort Status { get; } = status;
}
