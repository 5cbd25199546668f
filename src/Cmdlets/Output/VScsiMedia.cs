using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>A medium of a media repository: an optical image (DVD-ROM or DVD-RAM) or a tape cartridge.</summary>
public sealed class VScsiMedia
{
    internal VScsiMedia(VirtualMedia m, string systemPath)
    {
        Name = m.Name;
        Partition = m.PartitionName;
        Kind = m.Kind.ToString();
        Path = m.Path;
        SizeBytes = m.SizeBytes;
        CapacityBytes = m.CapacityBytes;
        ReadOnly = m.ReadOnly;
        Owned = m.Owned;
        LoadedIn = m.LoadedIn.ToArray();
        SystemPath = systemPath;
    }

    public string Name { get; }
    public string Partition { get; }
    /// <summary>Optical or Tape.</summary>
    public string Kind { get; }
    public string Path { get; }
    /// <summary>The size of the file (for a cartridge, what has been written to it).</summary>
    public long SizeBytes { get; }
    /// <summary>A cartridge's capacity; null for optical media.</summary>
    public long? CapacityBytes { get; }
    public bool ReadOnly { get; }
    /// <summary>The file was created or copied by VScsi and is deleted with the medium.</summary>
    public bool Owned { get; }
    /// <summary>The drives (vtoptN, vttapeN) it is loaded in.</summary>
    public string[] LoadedIn { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}

/// <summary>A partition's media repository (VMLibrary) with its used and free space.</summary>
public sealed class VScsiMediaRepository
{
    internal VScsiMediaRepository(MediaRepository r, string systemPath)
    {
        Partition = r.PartitionName;
        Path = r.Path;
        SizeBytes = r.SizeBytes;
        UsedBytes = r.UsedBytes;
        FreeBytes = r.FreeBytes;
        Media = r.Media.ToArray();
        SystemPath = systemPath;
    }

    public string Name => MediaRepository.Name;
    public string Partition { get; }
    public string Path { get; }
    public long? SizeBytes { get; }
    public long UsedBytes { get; }
    public long? FreeBytes { get; }
    public string[] Media { get; }
    public string SystemPath { get; }

    public override string ToString() => $"{Partition}/{Name}";
}
