using System.Management.Automation;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists media repositories with their size, used and free space (VIOS lsrep).</summary>
[Cmdlet(VerbsCommon.Get, "VScsiMediaRepository")]
[OutputType(typeof(VScsiMediaRepository))]
public sealed class GetVScsiMediaRepositoryCommand : PartitionListCommandBase
{
    private protected override string ListedType => "VScsiMediaRepository";

    protected override void ProcessRecord()
    {
        foreach (var partition in Partition ?? [null!])
        {
            foreach (var r in Use(s => s.GetMediaRepositories(partition)) ?? [])
                WriteObject(new VScsiMediaRepository(r, ResolvedSystemPath));
        }
    }
}
