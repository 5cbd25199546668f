using System.Reflection;
using System.Runtime.InteropServices;

namespace VScsi.Engine.Configuration;

/// <summary>
/// Finds the native SQLite library when the engine is loaded as a PowerShell module. A module's
/// deps.json is never consulted, so <c>runtimes/&lt;rid&gt;/native/</c> beside the assembly would
/// not be probed; this resolver looks there for the current platform before the default search.
/// </summary>
internal static class SqliteNative
{
    private static readonly Lazy<bool> Initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureLoaded() => _ = Initialized.Value;

    private static bool Initialize()
    {
        var provider = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
        try
        {
            NativeLibrary.SetDllImportResolver(provider, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host already installed a resolver for this assembly; it knows best.
        }
        SQLitePCL.Batteries_V2.Init();
        return true;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!libraryName.Contains("e_sqlite3", StringComparison.Ordinal))
            return IntPtr.Zero;
        var baseDir = Path.GetDirectoryName(assembly.Location);
        if (string.IsNullOrEmpty(baseDir))
            return IntPtr.Zero;
        var fileName = OperatingSystem.IsWindows() ? "e_sqlite3.dll"
            : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
        foreach (var rid in CandidateRids())
        {
            var path = Path.Combine(baseDir, "runtimes", rid, "native", fileName);
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                return handle;
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> CandidateRids()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        yield return RuntimeInformation.RuntimeIdentifier;
        if (OperatingSystem.IsWindows()) yield return $"win-{arch}";
        else if (OperatingSystem.IsMacOS()) yield return $"osx-{arch}";
        else
        {
            yield return $"linux-{arch}";
            yield return $"linux-musl-{arch}";
        }
    }
}
