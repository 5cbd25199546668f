using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Completers;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Lists partition profiles; VirtualScsiAdapters shows each profile in HMC syntax.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiPartitionProfile")]
[OutputType(typeof(VScsiPartitionProfile))]
public sealed class GetVScsiPartitionProfileCommand : PartitionListCommandBase
{
    private protected override string ListedType => "VScsiPartitionProfile";

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        WriteListed((s, partition) => s.GetProfiles(partition), p => p.Name, Name, ConfigurationError.ProfileNotFound, "profile",
            p => new VScsiPartitionProfile(p, ResolvedSystemPath));
    }
}
