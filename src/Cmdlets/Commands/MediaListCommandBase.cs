using System.Management.Automation;
using VScsi.Engine.Configuration;
using VScsi.PowerShell.Output;
using VScsi.PowerShell.Completers;

namespace VScsi.PowerShell.Commands;

/// <summary>What Get-VScsiMedia and Get-VScsiTapeCartridge share: media of one kind per partition, filtered by name.</summary>
public abstract class MediaListCommandBase : PartitionListCommandBase
{
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MediaNameCompleter))]
    public string[]? Name { get; set; }

    protected abstract MediaKind Kind { get; }

    private protected override string ListedType => "VScsiMedia";

    protected override void ProcessRecord() =>
        WriteListed((s, partition) => s.GetMedia(partition, Kind), m => m.Name, Name, ConfigurationError.MediaNotFound,
            Kind == MediaKind.Tape ? "tape cartridge" : "optical medium", m => new VScsiMedia(m, ResolvedSystemPath));
}

/// <summary>Lists the optical media of media repositories (VIOS lsrep), with the drives they are loaded in.</summary>
[Cmdlet(VerbsCommon.Get, "VScsiMedia")]
[OutputType(typeof(VScsiMedia))]
public sealed class GetVScsiMediaCommand : MediaListCommandBase
{
    protected override MediaKind Kind => MediaKind.Optical;
}
