using System.Net;
using System.Runtime.InteropServices;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.ServeProbe;

// Usage: ServeProbe <folder> <partition> [<host:port>]
//        ServeProbe soak [--cycles N] [--seed S]   (the crash-cycle soak; see tests/soak/crash-cycles.sh)
// Serves <partition> over iSCSI (127.0.0.1, a free port unless given) the way
// Start-VScsiPartition -IscsiPortal ... -Wait does: takes the serving lock (clearing what a killed
// predecessor left, each warning on stderr as "WARNING: ..."), activates the default profile,
// serves, prints "SERVING <port>" on stdout, and stops cleanly on SIGTERM, SIGINT or the end of
// standard input (so it never outlives the test that started it).
// Exit codes: 0 stopped cleanly, 2 refused with an error id (printed as "ERROR <id> <message>").
if (args.Length > 0 && args[0] == "soak") return await Soak.RunAsync(args[1..]);
var (folder, partition) = (args[0], args[1]);
var endPoint = args.Length > 2 ? IPEndPoint.Parse(args[2]) : new IPEndPoint(IPAddress.Loopback, 0);
using var stop = new ManualResetEventSlim();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
new Thread(() => { while (Console.In.ReadLine() is not null) { } stop.Set(); }) { IsBackground = true }.Start();

await using var registry = new ServingRegistry();
ServedPartition served;
Partition started;
try
{
    using var claim = ServingClaim.Take(folder, partition, w => Console.Error.WriteLine("WARNING: " + w));
    using (var system = ManagedSystem.Open(folder))
        started = system.Activate(partition);
    served = registry.Serve(folder, started.Name, endPoint, claim);
}
catch (ConfigurationException e)
{
    Console.WriteLine($"ERROR {e.Error} {e.Message}");
    return 2;
}
catch (ServingException e)
{
    Console.WriteLine($"ERROR {e.Error} {e.Message}");
    return 2;
}
Console.WriteLine($"SERVING {served.Portal!.EndPoint.Port}");
stop.Wait();
await registry.StopAsync(folder, started.Id);
using (var system = ManagedSystem.Open(folder))
    system.Deactivate(started.Name);
return 0;
