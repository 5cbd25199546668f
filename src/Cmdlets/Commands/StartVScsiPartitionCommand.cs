using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Runtime.InteropServices;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Activates a partition with a profile (the default unless -Profile): every required adapter
/// must be able to pair, then the profile becomes the running configuration. A Vios or IbmI
/// partition is then served by this process: its mapped disks come up behind its server adapters,
/// and with -IscsiPortal each server adapter is also an iSCSI target on that address.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VScsiPartition", SupportsShouldProcess = true)]
[OutputType(typeof(VScsiPartition))]
public sealed class StartVScsiPartitionCommand : PartitionCommandBase
{
    private readonly ManualResetEventSlim _stop = new();

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    /// <summary>host[:port] to listen on for iSCSI (port 3260 when omitted); "127.0.0.1" keeps it on loopback.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IscsiPortal { get; set; }

    /// <summary>Keeps serving until Ctrl+C or SIGTERM, then stops the partition (for services).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        IPEndPoint? portal = null;
        if (IscsiPortal is not null && !TryParsePortal(IscsiPortal, out portal))
        {
            ReportError("IscsiPortalInvalid", ErrorCategory.InvalidArgument, $"'{IscsiPortal}' is not host[:port] with an IP address, e.g. 127.0.0.1:3260.", IscsiPortal);
            return;
        }
        if (!ShouldProcess(Name, (Profile is null ? "Activate with the default profile" : $"Activate with profile '{Profile}'")
            + (portal is null ? "" : $" and serve iSCSI on {ServingRegistry.FormatEndPoint(portal)}"))) return;
        // The serving lock first: a Running state that no live process holds is what a crash left, and is cleared (with a warning).
        using var claim = Serve(() => ServingClaim.Take(ResolvedSystemPath, Name, WriteWarning), Name);
        if (claim is null) return;
        var started = Use(s => s.Activate(Name, Profile));
        if (started is null) return;
        if (started.Type == PartitionType.AixLinux)
        {
            if (portal is not null) WriteWarning($"Partition '{started.Name}' is of type {started.Type} and has no server adapters; -IscsiPortal is ignored.");
        }
        else if (Serve(() => ModuleRuntime.Registry.Serve(ResolvedSystemPath, started.Name, portal, claim), started.Name) is not { } served)
        {
            Use(s => s.Deactivate(started.Name)); // its adapters could not come up: the activation fails as a whole
            return;
        }
        else if (served.Portal is { } listening)
        {
            foreach (var t in served.IscsiTargets)
                WriteVerbose($"iSCSI target {t.Iqn} on {ServingRegistry.FormatEndPoint(listening.EndPoint)} ({(t.AnyInitiator ? "any initiator" : string.Join(", ", t.Initiators.Keys))}).");
        }
        if (PassThru) WriteObject(new VScsiPartition(started, ResolvedSystemPath));
        if (Wait) WaitAndStop(started);
    }

    /// <summary>Serves until Ctrl+C (StopProcessing) or SIGTERM/SIGINT, passing iSCSI events to the verbose stream, then stops the partition.</summary>
    private void WaitAndStop(Partition started)
    {
        var log = new ConcurrentQueue<string>();
        var registry = ModuleRuntime.Registry;
        var previous = registry.IscsiLog;
        registry.IscsiLog = log.Enqueue;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Signal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Signal);
        try
        {
            WriteVerbose($"Serving '{started.Name}' until Ctrl+C or SIGTERM.");
            while (!_stop.Wait(250))
                while (log.TryDequeue(out var line)) WriteVerbose(line);
        }
        finally
        {
            Shutdown(started, registry, log, previous);
        }
    }

    /// <summary>
    /// Stops serving and records the partition as not activated, whatever happened before: a fault
    /// while stopping is reported as a warning and the partition is still deactivated, so the lock,
    /// the control socket and the Running state never outlive the process's intent to stop.
    /// </summary>
    private void Shutdown(Partition started, ServingRegistry registry, ConcurrentQueue<string> log, Action<string>? previous)
    {
        string? fault = null;
        try
        {
            registry.StopAsync(ResolvedSystemPath, started.Id).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            fault = e.Message;
        }
        registry.IscsiLog = previous;
        Use(s => s.Deactivate(started.Name));
        try
        {
            while (log.TryDequeue(out var line)) WriteVerbose(line);
            if (fault is not null) WriteWarning($"Stopping '{started.Name}' failed: {fault}. It was deactivated anyway.");
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the pipeline takes no more records; the stop itself is done.
        }
    }

    private void Signal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Set();
    }

    protected override void StopProcessing() => _stop.Set();

    /// <summary>host, host:port, [v6] or [v6]:port; "localhost" is 127.0.0.1; port 0 picks a free port.</summary>
    internal static bool TryParsePortal(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var host = text;
        var port = 3260;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return false;
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':') return false;
                portText = text[(close + 2)..];
            }
        }
        else if (text.Count(ch => ch == ':') == 1)
        {
            host = text[..text.IndexOf(':', StringComparison.Ordinal)];
            portText = text[(host.Length + 1)..];
        }
        if (portText is not null && (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port > 65535))
            return false;
        if (host == "localhost") host = "127.0.0.1";
        if (!IPAddress.TryParse(host, out var address)) return false;
        endPoint = new IPEndPoint(address, port);
        return true;
    }
}
