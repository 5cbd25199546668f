using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace VScsi.Shell;

/// <summary>
/// A runspace with the VScsi module imported, on a <see cref="TextHost"/>. Runs script text the
/// way pwsh's -Command and -File do, with output formatted by Out-Default and pwsh's exit codes.
/// </summary>
public sealed class ScriptSession : IDisposable
{
    private readonly Runspace _runspace;
    private PowerShell? _current;

    public ScriptSession(TextHost host, string? modulePath, bool plainText)
    {
        Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
        Host = host;
        var iss = InitialSessionState.CreateDefault2(); // CreateDefault() throws on this engine; never set ExecutionPolicy
        if (modulePath is not null && File.Exists(modulePath))
            iss.ImportPSModule(modulePath);
        _runspace = RunspaceFactory.CreateRunspace(host, iss);
        _runspace.Open();
        if (plainText)
            Invoke("$PSStyle.OutputRendering = 'PlainText'", formatted: false);
    }

    public TextHost Host { get; }

    /// <summary>The module manifest shipped beside the host, as the build lays it out.</summary>
    public static string DefaultModulePath => Path.Combine(AppContext.BaseDirectory, "Modules", "VScsi", "VScsi.psd1");

    /// <summary>Runs script text (pwsh -Command): <c>exit N</c> gives N, any error gives 1, else 0.</summary>
    public int RunCommand(string script)
    {
        var (hadErrors, failed) = Invoke(script, formatted: true);
        if (Host.ExitCode is int code) return code;
        return failed || hadErrors ? 1 : 0;
    }

    /// <summary>Runs a script file with arguments (pwsh -File): its <c>exit N</c> gives N, a terminating error 1.</summary>
    public int RunFile(string path, IReadOnlyList<string> arguments)
    {
        if (!File.Exists(path))
        {
            Host.UI.WriteErrorLine($"The script file '{path}' does not exist.");
            return 64;
        }
        var script = new StringBuilder("$global:LASTEXITCODE = 0; & ").Append(Quote(Path.GetFullPath(path)));
        foreach (var argument in arguments)
            script.Append(' ').Append(IsParameterName(argument) ? argument : Quote(argument));
        var (_, failed) = Invoke(script.ToString(), formatted: true);
        if (Host.ExitCode is int code) return code;
        if (failed) return 1;
        return ReadLastExitCode();
    }

    /// <summary>Stops the running pipeline (Ctrl+C).</summary>
    public void Stop() => _current?.BeginStop(null, null);

    public void Dispose() => _runspace.Dispose();

    private (bool HadErrors, bool Failed) Invoke(string script, bool formatted)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        if (formatted)
        {
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            ps.AddCommand("Out-Default");
        }
        _current = ps;
        var lastError = LatestError();
        try
        {
            ps.Invoke();
            return (ps.HadErrors || !ReferenceEquals(LatestError(), lastError), false);
        }
        catch (RuntimeException e)
        {
            WriteTerminatingError(e);
            return (true, true);
        }
        finally
        {
            _current = null;
        }
    }

    /// <summary>The newest entry of $Error: errors merged into the output never set HadErrors.</summary>
    private object? LatestError() =>
        _runspace.SessionStateProxy.GetVariable("Error") is System.Collections.ArrayList { Count: > 0 } errors ? errors[0] : null;

    private int ReadLastExitCode()
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        var result = ps.AddScript("$global:LASTEXITCODE").Invoke();
        return result.Count > 0 && result[0]?.BaseObject is int code ? code : 0;
    }

    private void WriteTerminatingError(RuntimeException e)
    {
        var record = e.ErrorRecord;
        var inner = e is CmdletInvocationException { InnerException: RuntimeException r } ? r.ErrorRecord : record;
        Host.UI.WriteErrorLine($"{inner.Exception.Message} ({inner.FullyQualifiedErrorId})");
    }

    private static bool IsParameterName(string argument) =>
        argument.Length > 1 && argument[0] == '-' && char.IsLetter(argument[1]) && argument.Skip(1).All(c => char.IsLetterOrDigit(c) || c is '_' or ':');

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
