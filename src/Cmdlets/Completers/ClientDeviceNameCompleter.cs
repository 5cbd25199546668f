using VScsi.Engine.Runtime;

namespace VScsi.PowerShell.Completers;

/// <summary>
/// Completes client device names (hdiskN, cdN, rmtN) that this process's connected sessions see,
/// of the client given by -Partition when typed (for -TapeDevice, every client's tape drives); a session that does not answer within two seconds
/// adds nothing.
/// </summary>
public sealed class ClientDeviceNameCompleter : VScsiCompleter
{
    /// <summary>Peripheral device type 01h, a sequential-access device (SPC-4 6.4.2).</summary>
    private const byte TapeDeviceType = 0x01;

    protected override IEnumerable<string> Names(CompletionRequest r)
    {
        var tapeOnly = r.ParameterName.Equals("TapeDevice", StringComparison.OrdinalIgnoreCase);
        var partition = tapeOnly ? null : r.Partition;     // a backup's -Partition is the VIOS, not the client that reaches the tape
        var names = new List<string>();
        foreach (var s in ModuleRuntime.LiveSessions.Where(s => partition is null || string.Equals(s.Partition, partition, StringComparison.OrdinalIgnoreCase)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                names.AddRange(ClientDevices.DiscoverAsync(s.Session, timeout.Token).GetAwaiter().GetResult()
                    .Where(d => !tapeOnly || d.DeviceType == TapeDeviceType).Select(d => d.Name));
            }
            catch (Exception)
            {
                // a session that fails or hangs completes nothing
            }
        }
        return names;
    }
}
