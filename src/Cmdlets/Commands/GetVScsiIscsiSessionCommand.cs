using System.Management.Automation;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists the live iSCSI sessions on the portals of partitions this process serves.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiIscsiSession")]
[OutputType(typeof(VScsiIscsiSession))]
public sealed class GetVScsiIscsiSessionCommand : PSCmdlet
{
    /// <summary>Only sessions to server adapters of these partitions.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    [SupportsWildcards]
    public string[]? Partition { get; set; }

    /// <summary>Only sessions of these initiators.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? InitiatorName { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var portal in ModuleRuntime.Registry.Portals)
        {
            foreach (var session in portal.Sessions)
            {
                var listed = new VScsiIscsiSession(session, portal);
                var partition = listed.ServerAdapter?.Split('/')[0];
                if (Partition is not null && (partition is null || !Filter.Matches(partition, Partition))) continue;
                if (InitiatorName is not null && !Filter.Matches(listed.InitiatorName, InitiatorName)) continue;
                WriteObject(listed);
            }
        }
    }
}
