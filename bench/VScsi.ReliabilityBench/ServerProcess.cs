using System.Diagnostics;
using System.Globalization;
using VScsi.Reliability.Fuzz;

namespace VScsi.ReliabilityBench;

/// <summary>
/// The serving process: this program started again with the <c>serve</c> verb, so that a crash of
/// the target is seen as the child's exit and its memory is measured on its own (VmRSS in
/// /proc/&lt;pid&gt;/status, proc(5)).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, FuzzTarget target)
    {
        _process = process;
        Target = target;
    }

    public FuzzTarget Target { get; }
    public int Pid => _process.Id;
    public bool Exited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static async Task<ServerProcess> StartAsync(IEnumerable<string> serveArgs)
    {
        var info = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        info.FileName = self;
        info.ArgumentList.Add("serve");
        foreach (var a in serveArgs) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the serving process");
        while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("TARGET ", StringComparison.Ordinal)) return new ServerProcess(process, FuzzTarget.FromJson(line[7..]));
            Console.WriteLine("serve: " + line);
        }
        throw new InvalidOperationException($"the serving process ended before serving (exit code {(process.HasExited ? process.ExitCode : -1)})");
    }

    /// <summary>VmRSS of the serving process in MiB (proc(5)); null once it has exited.</summary>
    public double? RssMiB()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Asks the child to stop serving; returns the lines it reports (shutdown time, findings), or a crash.</summary>
    public async Task<IReadOnlyList<string>> StopAsync(TimeSpan guard)
    {
        if (_process.HasExited) return [$"FINDING TargetCrashed: the serving process exited with code {_process.ExitCode} during the run"];
        var lines = new List<string>();
        await _process.StandardInput.WriteLineAsync("stop").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        using var cts = new CancellationTokenSource(guard);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line && line != "DONE") lines.Add(line);
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lines.Add($"FINDING ShutdownHung: the serving process did not finish stopping within {guard.TotalSeconds:0} s");
        }
        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
    }
}
