using VScsi.Engine.Runtime;

namespace VScsi.PowerShell.Completers;

/// <summary>
/// Completes client device names (hdiskN, cdN, rmtN) that this process's connected sessions see,
/// of the client given by -Partition when typed; a session that does not answer within two seconds
/// adds nothing.
/// </summary>
public sealed class ClientDeviceNameCompleter : VScsiCompleter
{
    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var partition = r.Partition;
        var names = new List<string>();
        foreach (var s in ModuleRuntime.LiveSessions.Where(s => partition is null || string.Equals(s.Partition, partition, StringComparison.OrdinalIgnoreCase)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                names.AddRange(ClientDevices.DiscoverAsync(s.Session, timeout.Token).GetAwaiter().GetResult().Select(d => d.Name));
            }
            catch (Exception)
            {
                // a session that fails or hangs completes nothing
            }
        }
        return names;
    }
}
