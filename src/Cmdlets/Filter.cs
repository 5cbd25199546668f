using System.Management.Automation;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell;

/// <summary>Name filtering with wildcards, as Get- cmdlets do it: a plain name that matches nothing is an error.</summary>
internal static class Filter
{
    public static IEnumerable<T> ByName<T>(Cmdlet cmdlet, IEnumerable<T> items, Func<T, string> name, string[]? patterns, ConfigurationError notFound, string what)
    {
        var list = items.ToList();
        if (patterns is null || patterns.Length == 0) return list;
        var matchers = patterns.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var pattern in patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p)))
        {
            if (!list.Any(i => string.Equals(name(i), pattern, StringComparison.OrdinalIgnoreCase)))
                cmdlet.WriteError(new ErrorRecord(new ItemNotFoundException($"No {what} named '{pattern}' was found."),
                    ErrorIds.For(notFound), ErrorCategory.ObjectNotFound, pattern));
        }
        return list.Where(i => matchers.Any(m => m.IsMatch(name(i))));
    }

    /// <summary>Whether <paramref name="value"/> matches any of the wildcard patterns (case-insensitive).</summary>
    public static bool Matches(string value, string[] patterns) =>
        patterns.Any(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase).IsMatch(value));
}
