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
    private readonly Timer _idleRelease;
    private int _nextTsih;
    private long _buffered;

    private IscsiPortal(Socket listener)
    {
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _idleRelease = new Timer(_ => ReleaseIdleMemory());
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

    internal void Log(string message)
    {
        try
        {
            Logger?.Invoke(message);
        }
        catch (Exception)
        {
            // A failing logger must not take a connection (or a shutdown) down with it.
        }
    }

    /// <summary>
    /// Where every connection's data buffers come from: bounded, counted, trimmed when the last
    /// connection closes. It keeps two maximum transfers' worth of idle arrays, so a session moving
    /// large commands back to back reuses them instead of leaving one to the GC each time.
    /// </summary>
    public BufferPool Buffers { get; } = new(256 << 20, 2L * Scsi.LogicalUnit.DefaultMaxTransferLength);

    /// <summary>How long the portal stays without connections before it hands the memory of dropped buffers back to the system.</summary>
    public TimeSpan IdleRelease { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Dropped buffer bytes below which an idle portal leaves the memory to the GC's own timing.</summary>
    private const long ReleaseThreshold = 32L << 20;

    /// <summary>
    /// Transfer buffers are large-object-heap arrays: the ones dropped stay committed until a full,
    /// compacting collection, which an idle process never starts by itself (what kept over a
    /// gigabyte resident after hostile traffic). Once idle, and only after large buffers were let
    /// go, the portal asks for that collection, in aggressive mode so freed memory is decommitted.
    /// </summary>
    private void ReleaseIdleMemory()
    {
        if (!_connections.IsEmpty || _stopping.IsCancellationRequested || !Buffers.TakeDropped(ReleaseThreshold)) return;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>
    /// The most data the portal's commands may hold in buffers at once, over all sessions (each
    /// session is further held to its queue depth times the maximum transfer); a command beyond it
    /// gets BUSY instead of memory.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 256L << 20;

    /// <summary>Bytes of buffer the portal's commands hold now.</summary>
    public long BufferedBytes => Interlocked.Read(ref _buffered);

    /// <summary>How long a closing connection waits for its aborted commands, and a stopping portal for its connections.</summary>
    public TimeSpan AbortWait { get; set; } = TimeSpan.FromSeconds(2);

    internal bool TryReserve(int bytes)
    {
        if (Interlocked.Add(ref _buffered, bytes) <= MaxBufferedBytes) return true;
        Interlocked.Add(ref _buffered, -bytes);
        return false;
    }

    internal void Unreserve(int bytes) => Interlocked.Add(ref _buffered, -bytes);

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
                try
                {
                    await connection.RunAsync().ConfigureAwait(false);
                }
                finally
                {
                    OnConnectionEnded(connection);
                }
            });
        }
    }

    /// <summary>Once the last connection is gone, the kept buffers go back to the GC, and soon their memory to the system.</summary>
    private void OnConnectionEnded(IscsiTargetConnection connection)
    {
        _connections.TryRemove(connection, out _);
        if (!_connections.IsEmpty) return;
        Buffers.Trim();
        try
        {
            _idleRelease.Change(IdleRelease, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // the portal stopped meanwhile
        }
    }

    /// <summary>
    /// Stops listening and drops every connection; waits for them up to twice <see cref="AbortWait"/>
    /// and logs any that did not end (a command stuck in a store), but always returns and never throws.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            _listener.Dispose();
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log($"portal {EndPoint}: stopping the listener failed: {e.Message}");
        }
        foreach (var c in _connections.Keys) c.Abort();
        var all = Task.WhenAll(_connections.Values);
        try
        {
            await all.WaitAsync(2 * AbortWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log($"portal {EndPoint}: {_connections.Count} connections did not end within {2 * AbortWait}; stopped without them");
        }
        catch (Exception e)
        {
            Log($"portal {EndPoint}: a connection failed while stopping: {e.Message}");
        }
        Buffers.Trim();
        await _idleRelease.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A login refused after negotiation (at session admission), with its login status.</summary>
internal sealed class LoginRefusedException(ushort status, string? reason = null) : Exception(reason ?? LoginStatus.Describe(status))
{
    public ushort Status { get; } = status;
}
