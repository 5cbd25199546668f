using VScsi.Reliability.Fuzz;

namespace VScsi.ReliabilityBench;

/// <summary>
/// <c>serve</c>: creates a managed system in a temporary folder and serves its VIOS partition over
/// iSCSI on loopback (see <see cref="FuzzServer"/>); prints <c>TARGET {json}</c>, serves until a
/// line <c>stop</c> (or the end of standard input), then stops, checks the canary and reports.
/// </summary>
public static class ServeVerb
{
    public static async Task<int> RunAsync(Options o)
    {
        var server = FuzzServer.Start(o.Long("disk-mib", 1024) << 20,
            loginTimeout: TimeSpan.FromSeconds(o.Double("login-timeout", 30)),
            keepAlive: TimeSpan.FromSeconds(o.Double("keepalive", 30)),
            queueDepth: o.Int("queue-depth", 32));
        if (o.Flag("log")) server.Log = line => Console.Error.WriteLine("portal: " + line);
        Console.WriteLine("TARGET " + server.Target.ToJson());
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line && line != "stop")
        {
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var findings = await server.StopFindingsAsync(o.Long("seed", 0), TimeSpan.FromSeconds(o.Double("stop-guard", 30))).ConfigureAwait(false);
        Console.WriteLine($"STOP {clock.Elapsed.TotalSeconds:0.00} s, {server.LogLines} portal log lines");
        foreach (var f in findings) Console.WriteLine($"FINDING {f.Kind}: {f.What}");
        await server.DisposeAsync().ConfigureAwait(false);
        Console.WriteLine("DONE");
        return 0;
    }
}
