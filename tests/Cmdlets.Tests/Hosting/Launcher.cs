using System.Diagnostics;

namespace VScsi.Cmdlets.Tests;

/// <summary>
/// The repository's <c>./vscsi</c> launcher, which execs real pwsh (the restored PowerShell tool)
/// with the packaged module (output/VScsi/&lt;version&gt;) imported, packaging it first when stale.
/// </summary>
public static class Launcher
{
    /// <summary>The repository root: the first folder above the test binaries that holds the launcher.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Path => System.IO.Path.Combine(RepoRoot, "vscsi");

    /// <summary>Starts <c>./vscsi args...</c> with redirected standard streams.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Runs <c>./vscsi args...</c> to its end with <paramref name="stdin"/> as input (60 s hang guard).</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        using var p = Start(args);
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var output = p.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = p.StandardError.ReadToEndAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await output, await error);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "vscsi")) && File.Exists(System.IO.Path.Combine(dir.FullName, "VScsi.PowerShell.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no vscsi launcher above {AppContext.BaseDirectory}");
    }
}
