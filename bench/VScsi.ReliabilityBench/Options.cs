using System.Globalization;

namespace VScsi.ReliabilityBench;

/// <summary>The command line: a verb, then --name value pairs (and bare --flags).</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public Options(string[] args)
    {
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)) Verb = args[i++];
        for (; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"'{args[i]}' is not an option (options are --name value).");
            var name = args[i][2..];
            _values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string Verb { get; } = "fuzz";

    public long Long(string name, long fallback) => _values.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int Int(string name, int fallback) => (int)Long(name, fallback);

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name, bool fallback = false) => _values.TryGetValue(name, out var v) ? bool.Parse(v) : fallback;

    public string? Text(string name) => _values.GetValueOrDefault(name);

    /// <summary>The options as they were given, for a child process.</summary>
    public IEnumerable<string> Pass(params string[] names)
    {
        foreach (var n in names)
            if (_values.TryGetValue(n, out var v)) { yield return "--" + n; yield return v; }
    }
}
