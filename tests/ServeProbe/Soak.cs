using System.Globalization;

namespace VScsi.ServeProbe;

/// <summary>
/// The long crash-cycle run: N kill -9 / restart cycles (default 20) under write load with any seed
/// (default: random, printed so a run can be repeated), killing after 1,000 to 10,000 acknowledged blocks, in a fresh folder that is kept when something failed.
/// Prints the figures; exit 0 only when every start served and no acknowledged block was lost.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cycles = 20;
        var seed = Random.Shared.Next();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--cycles") cycles = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--seed") seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else throw new ArgumentException($"Unknown option {args[i]}; use --cycles N --seed S.");
        }
        var folder = Path.Combine(Path.GetTempPath(), "vscsi-crash-soak-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var probe = typeof(Soak).Assembly.Location;
        var started = DateTime.UtcNow;
        var figures = await new CrashCycle(probe, folder, seed, Console.Out, minAcknowledged: 1000, maxAcknowledged: 10000).RunAsync(cycles, CancellationToken.None);
        Console.WriteLine($"seed:         {figures.Seed}");
        Console.WriteLine($"cycles:       {figures.Cycles} kill -9 / restart (of {cycles} asked), {figures.Starts} starts");
        Console.WriteLine($"attempts:     {figures.Attempts} writes (FUA, or WRITE + SYNCHRONIZE CACHE)");
        Console.WriteLine($"acknowledged: {figures.Acknowledged} blocks, every one read back after each restart");
        Console.WriteLine($"losses:       {figures.Lost}");
        Console.WriteLine($"failures:     {figures.Failures.Count}");
        Console.WriteLine($"recoveries:   {figures.Warnings.Count(w => w.Contains("cleared", StringComparison.Ordinal))} starts cleared a killed predecessor's state");
        Console.WriteLine($"duration:     {(DateTime.UtcNow - started).TotalSeconds:0} s");
        foreach (var failure in figures.Failures) Console.WriteLine("FAILURE " + failure);
        if (figures.Failures.Count == 0 && figures.Cycles == cycles)
        {
            Directory.Delete(folder, recursive: true);
            return 0;
        }
        Console.WriteLine($"kept for inspection: {folder}");
        return 1;
    }
}
