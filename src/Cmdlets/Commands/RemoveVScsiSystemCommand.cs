using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;

namespace VScsi.PowerShell.Commands;

/// <summary>
/// Removes a managed system: what this process serves from it is stopped first, then its database,
/// lock files and the storage it registered inside its folder are deleted, and the folder if nothing
/// else is left. A folder that holds no managed system is refused (SystemNotFound) and never
/// touched, so is a system another process serves (SystemServedElsewhere).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VScsiSystem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveVScsiSystemCommand : PSCmdlet
{
    /// <summary>The folder of the system. Default: $env:VSCSI_HOME, else the per-user folder.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SystemPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Do not ask for confirmation (-WhatIf still only reports).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = Path is null ? ManagedSystem.ResolveFolder(null) : GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            string name;
            using (var system = ManagedSystem.OpenExisting(folder))
                name = system.GetSystem().Name;
            if (Asks() && !ShouldProcess(folder, $"Remove managed system {name} with its database and the storage files inside its folder")) return;
            var left = SystemRemoval.RemoveAsync(ModuleRuntime.Registry, folder).GetAwaiter().GetResult();
            if (left.Count > 0)
                WriteWarning($"Removed managed system {name}; the folder '{folder}' is kept because it holds files VScsi did not make: {string.Join(", ", left.Select(System.IO.Path.GetFileName))}.");
        }
        catch (ConfigurationException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.For(e.Error), ErrorIds.CategoryOf(e.Error), e.Target ?? folder));
        }
        catch (ServingException e)
        {
            WriteError(new ErrorRecord(e, e.Error, ErrorCategory.ResourceBusy, e.Target ?? folder));
        }
    }

    /// <summary>-Force means "do not ask" (Remove-VM -Force), unless -WhatIf or an explicit -Confirm asks for it.</summary>
    private bool Asks()
    {
        if (!Force || MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound) ? bound : SessionState.PSVariable.GetValue("WhatIfPreference");
        return LanguagePrimitives.IsTrue(whatIf);
    }
}
