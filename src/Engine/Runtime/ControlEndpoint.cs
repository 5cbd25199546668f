using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VScsi.Engine.Backup;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Runtime;

/// <summary>
/// The control endpoint of a serving process (design section 4): a Unix domain socket
/// <c>serve-&lt;id&gt;.sock</c> in the system folder, beside the serving lock, through which other
/// processes ask for what needs the live I/O path. One request per connection, one JSON line; the
/// answer is JSON lines: progress, then a result or an error with its stable id. Closing the
/// connection cancels the operation. Today it carries online backups.
/// </summary>
public sealed class ControlEndpoint : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ServingRegistry _registry;
    private readonly string _folder;
    private readonly string _path;

    private ControlEndpoint(Socket listener, ServingRegistry registry, string folder, string path)
    {
        _listener = listener;
        _path = path;
        _registry = registry;
        _folder = folder;
        _accepting = AcceptAsync();
    }

    public static string PathOf(string folder, int partitionId) => Path.Combine(Path.GetFullPath(folder), $"serve-{partitionId}.sock");

    /// <summary>Listens for the partition; a stale socket file left by a dead process is replaced (the serving lock proves it is dead).</summary>
    public static ControlEndpoint Start(ServingRegistry registry, string folder, int partitionId)
    {
        var path = PathOf(folder, partitionId);
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            // Only the owner may ask for backups (they write files as this process's user), like the CHAP secrets file.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(8);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new ControlEndpoint(listener, registry, folder, path);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using var owned = connection;
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            var line = await reader.ReadLineAsync(cancel.Token).ConfigureAwait(false);
            var request = line is null ? null : JsonSerializer.Deserialize<ControlRequest>(line, ControlMessages.Json);
            if (request?.Backup is not { } backup)
            {
                await ControlMessages.SendAsync(writer, new ControlReply { Error = new ControlError("ControlRequestInvalid", "The request is not understood.") }).ConfigureAwait(false);
                return;
            }
            // The client hanging up (EOF) cancels the backup.
            _ = reader.ReadLineAsync(cancel.Token).AsTask().ContinueWith(_ =>
            {
                try { cancel.Cancel(); }
                catch (ObjectDisposedException) { }                // the request had finished
            }, TaskScheduler.Default);
            var gate = new SemaphoreSlim(1, 1);
            var progress = new ControlProgress(p =>
            {
                if (!gate.Wait(0)) return;                       // drop a report while the last one is still being sent
                ControlMessages.SendAsync(writer, new ControlReply { Progress = p }).AsTask().ContinueWith(_ => gate.Release(), TaskScheduler.Default);
            });
            var record = await PartitionBackups.BackupAsync(_registry, _folder, backup, progress, cancel.Token,
                w => ControlMessages.SendAsync(writer, new ControlReply { Warning = w }).AsTask().GetAwaiter().GetResult()).ConfigureAwait(false);
            await gate.WaitAsync(cancel.Token).ConfigureAwait(false);
            await ControlMessages.SendAsync(writer, new ControlReply { Result = record }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            try
            {
                await ControlMessages.SendAsync(writer, new ControlReply { Error = ControlError.From(e) }).ConfigureAwait(false);
            }
            catch (Exception send) when (send is IOException or SocketException or ObjectDisposedException)
            {
                // The client is gone; nothing to tell.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        File.Delete(_path);
        _stop.Dispose();
    }

    private sealed class ControlProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}

/// <summary>A request to a serving process.</summary>
public sealed record ControlRequest(PartitionBackupRequest? Backup);

/// <summary>A refusal carried back with its stable error id.</summary>
public sealed record ControlError(string Id, string Message)
{
    public static ControlError From(Exception e) => e switch
    {
        ServingException s => new(s.Error, s.Message),
        ConfigurationException c => new(c.Error.ToString(), c.Message),
        OperationCanceledException => new("BackupCancelled", "The backup was cancelled."),
        _ => new("BackupIOFailed", e.Message),
    };
}

/// <summary>One line of an answer: progress, the result, or an error.</summary>
public sealed record ControlReply
{
    public BackupProgress? Progress { get; init; }
    public BackupRecord? Result { get; init; }
    public ControlError? Error { get; init; }
    public string? Warning { get; init; }
}

internal static class ControlMessages
{
    public static readonly JsonSerializerOptions Json = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static async ValueTask SendAsync(StreamWriter writer, ControlReply reply) =>
        await writer.WriteLineAsync(JsonSerializer.Serialize(reply, Json)).ConfigureAwait(false);
}

/// <summary>The other end: asks the process serving a partition to run a backup there.</summary>
public static class ControlClient
{
    public static async Task<BackupRecord> BackupAsync(string folder, int partitionId, PartitionBackupRequest request, IProgress<BackupProgress>? progress,
        CancellationToken cancellationToken, Action<string>? warning = null)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(ControlEndpoint.PathOf(folder, partitionId)), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new ServingException("ControlEndpointUnreachable", $"The process serving the partition does not answer on {ControlEndpoint.PathOf(folder, partitionId)}: {e.Message}", request.Partition, e);
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        await writer.WriteLineAsync(JsonSerializer.Serialize(new ControlRequest(request), ControlMessages.Json)).ConfigureAwait(false);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var reply = JsonSerializer.Deserialize<ControlReply>(line, ControlMessages.Json)!;
            if (reply.Progress is { } p) progress?.Report(p);
            else if (reply.Warning is { } w) warning?.Invoke(w);
            else if (reply.Result is { } record) return record;
            else if (reply.Error is { } error) throw new ServingException(error.Id, error.Message, request.Partition);
        }
        throw new ServingException("ControlEndpointUnreachable", "The serving process closed the connection without an answer.", request.Partition);
    }
}
