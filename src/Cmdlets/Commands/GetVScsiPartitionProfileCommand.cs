using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists partition profiles; VirtualScsiAdapters shows each profile in HMC syntax.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiPartitionProfile")]
[OutputType(typeof(VScsiPartitionProfile))]
public sealed class GetVScsiPartitionProfileCommand : VScsiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [PartitionNameTransformation]
    [ArgumentCompleter(typeof(PartitionNameCompleter))]
    public string[]? Partition { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var partition in Partition ?? [null!])
        {
            var profiles = Use(s => s.GetProfiles(partition));
            if (profiles is null) continue;
            foreach (var p in Filter.ByName(this, profiles, p => p.Name, Name, ConfigurationError.ProfileNotFound, "profile"))
                WriteObject(new VScsiPartitionProfile(p, ResolvedSystemPath));
        }
    }
}
