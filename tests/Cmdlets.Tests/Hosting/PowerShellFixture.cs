using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace VScsi.Cmdlets.Tests;

/// <summary>What a hosted script produced: objects, error records (terminating ones too) and rendered text.</summary>
public sealed record HostedResult(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, string Text);

[CollectionDefinition("PowerShell")]
public sealed class PowerShellCollection : ICollectionFixture<PowerShellFixture>;

/// <summary>
/// One InitialSessionState (Microsoft.PowerShell.SDK: the whole pwsh command set) with the built
/// module (Modules/VScsi beside the tests) imported, and a fresh runspace per script on the
/// default host: the first runspace costs ~0.5 s, later ones milliseconds. Temp system folders
/// handed out are deleted when the fixture is disposed.
/// </summary>
public sealed class PowerShellFixture : IDisposable
{
    private readonly InitialSessionState _iss;
    private readonly List<string> _folders = [];

    public PowerShellFixture()
    {
        Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
        _iss = InitialSessionState.CreateDefault2();
        _iss.ImportPSModule(ModuleManifest);
    }

    public static string ModuleManifest => Path.Combine(AppContext.BaseDirectory, "Modules", "VScsi", "VScsi.psd1");

    /// <summary>A new folder name under the temp directory (not created), removed at the end.</summary>
    public string NewTempSystemPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "vscsi-test-" + Guid.NewGuid().ToString("N"));
        lock (_folders) _folders.Add(path);
        return path;
    }

    /// <summary>A new temporary system where vios1's vhost0 (slot 11) is paired with lpar2's vscsi0 (slot 3).</summary>
    public string NewPairedSystem()
    {
        var sys = NewTempSystemPath();
        var setup = Run($"""
            $sys = '{sys}'
            $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
            $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
            $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
            """);
        if (setup.Errors.Count > 0) throw new InvalidOperationException("setting up vios1 and lpar2 failed: " + string.Join("; ", setup.Errors));
        return sys;
    }

    /// <summary>Runs script text and returns its output objects and errors.</summary>
    public HostedResult Run(string script) => Invoke(script, render: false);

    /// <summary>
    /// Runs script text and renders its output as plain text in a 120-column console: Out-String at
    /// width 119, since a console host leaves the last column free.
    /// </summary>
    public HostedResult Render(string script) => Invoke(script, render: true);

    /// <summary>Runs script text in a runspace of this fixture's session state and returns the raw PowerShell objects.</summary>
    public Collection<PSObject> Invoke(string script, Func<PowerShell, Collection<PSObject>>? run = null)
    {
        using var runspace = Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        return run is null ? ps.Invoke() : run(ps);
    }

    private HostedResult Invoke(string script, bool render)
    {
        using var runspace = Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        if (render) ps.AddCommand("Out-String").AddParameter("Width", 119);
        var errors = new List<ErrorRecord>();
        Collection<PSObject> results = [];
        try
        {
            results = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            errors.Add(e is CmdletInvocationException { InnerException: RuntimeException inner } ? inner.ErrorRecord : e.ErrorRecord);
        }
        errors.InsertRange(0, ps.Streams.Error);
        var text = render ? string.Concat(results.Select(r => r.ToString())) : "";
        return new HostedResult(render ? [] : results, errors, text);
    }

    private Runspace Open()
    {
        var runspace = RunspaceFactory.CreateRunspace(_iss);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("$PSStyle.OutputRendering = 'PlainText'").Invoke();
        return runspace;
    }

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
            Directory.Delete(folder, recursive: true);
    }
}
