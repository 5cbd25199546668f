using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;

namespace VScsi.PowerShell;

/// <summary>
/// Base of every VScsi cmdlet: the -SystemPath parameter (bound from piped objects too, so a
/// pipeline stays on one managed system), opening the system, and turning engine refusals into
/// error records with stable ids.
/// </summary>
public abstract class VScsiCmdlet : PSCmdlet
{
    /// <summary>The folder holding the managed system. Default: $env:VSCSI_HOME, else a per-user folder.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SystemPath { get; set; }

    private string? _checkedFolder;

    /// <summary>
    /// The folder in use, resolved against the PowerShell current location. The first use of each
    /// folder checks it holds a managed system (SystemNotFound, terminating) unless this cmdlet
    /// creates things (<see cref="CreatesSystem"/>), so a mistyped path never starts an empty system.
    /// </summary>
    protected string ResolvedSystemPath
    {
        get
        {
            var path = SystemPath;
            var folder = path is null ? ManagedSystem.ResolveFolder(null) : GetUnresolvedProviderPathFromPSPath(path);
            if (!NeedsSystem || string.Equals(folder, _checkedFolder, StringComparison.Ordinal)) return folder;
            try
            {
                if (CreatesSystem) ManagedSystem.RequireCreatable(folder);
                else ManagedSystem.RequireSystem(folder);
            }
            catch (ConfigurationException e)
            {
                Report(e);
            }
            _checkedFolder = folder;
            return folder;
        }
    }

    /// <summary>Whether this invocation works on the managed system at all (Connect-VScsiClient -Portal does not).</summary>
    protected virtual bool NeedsSystem => true;

    /// <summary>
    /// Whether this cmdlet may start a managed system on first use: the New-* and Import-* cmdlets,
    /// in a folder that does not exist yet or is empty (about_VScsi, "Where the system lives").
    /// Every other cmdlet refuses a folder without a system.
    /// </summary>
    protected virtual bool CreatesSystem
    {
        get
        {
            var verb = MyInvocation.MyCommand is CmdletInfo info ? info.Verb : "";
            return verb is VerbsCommon.New or VerbsData.Import;
        }
    }

    /// <summary>A PSCredential as a CHAP user and secret (null stays null).</summary>
    protected static VScsi.Engine.Transport.Iscsi.ChapSecret? ChapSecretOf(PSCredential? credential) =>
        credential is null ? null : new(credential.UserName, new System.Net.NetworkCredential("", credential.Password).Password);

    /// <summary>Runs <paramref name="work"/> on the managed system; a refusal becomes an error record and returns default.</summary>
    protected T? Use<T>(Func<ManagedSystem, T> work)
    {
        try
        {
            using var system = ManagedSystem.Open(ResolvedSystemPath);
            return work(system);
        }
        catch (ConfigurationException e)
        {
            Report(e);
            return default;
        }
    }

    protected void Use(Action<ManagedSystem> work) => Use(s => { work(s); return true; });

    /// <summary>Runs a runtime operation; a refusal becomes an error record with its stable id and returns default.</summary>
    protected T? Serve<T>(Func<T> work, object? target)
    {
        try
        {
            return work();
        }
        catch (ServingException e)
        {
            WriteError(new ErrorRecord(e, e.Error, ErrorCategory.InvalidOperation, e.Target ?? target));
            return default;
        }
        catch (ConfigurationException e)
        {
            Report(e);
            return default;
        }
    }

    /// <summary>Writes a refusal: terminating when the database itself is unusable, else per item.</summary>
    protected void Report(ConfigurationException e)
    {
        var record = new ErrorRecord(e, ErrorIds.For(e.Error), ErrorIds.CategoryOf(e.Error), e.Target);
        if (ErrorIds.IsTerminating(e.Error))
            ThrowTerminatingError(record);
        WriteError(record);
    }

    /// <summary>True when a virtual disk of that name was carved from a storage pool; else writes NotABackingDevice or VirtualDiskNotFound.</summary>
    internal bool CheckBackingDevice(string name)
    {
        var disk = Use(s => s.GetVirtualDisks().FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)));
        if (disk is null)
        {
            ReportError(ErrorIds.For(ConfigurationError.VirtualDiskNotFound), ErrorCategory.ObjectNotFound, $"No backing device is named '{name}'. Get-VScsiBackingDevice lists them.", name);
            return false;
        }
        if (disk.Pool is not null) return true;
        ReportError("NotABackingDevice", ErrorCategory.InvalidArgument, $"'{name}' is a standalone virtual disk, not a backing device of a pool; use the *-VScsiVirtualDisk cmdlets.", name);
        return false;
    }

    /// <summary>Writes a per-item error with a cmdlet-level id.</summary>
    protected void ReportError(string id, ErrorCategory category, string message, object? target) =>
        WriteError(new ErrorRecord(new PSArgumentException(message), id, category, target));
}
