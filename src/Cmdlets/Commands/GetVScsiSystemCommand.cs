using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Shows the managed system behind -SystemPath (SystemNotFound when there is none), with its serial and database.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiSystem")]
[OutputType(typeof(VScsiSystem))]
public sealed class GetVScsiSystemCommand : VScsiCmdlet
{
    protected override void ProcessRecord()
    {
        var system = Use(s => new VScsiSystem(s.GetSystem(), s.GetPartitions().Count, ResolvedSystemPath));
        if (system is not null) WriteObject(system);
    }
}
