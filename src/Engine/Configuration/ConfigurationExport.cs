using System.Text.Json;
using System.Text.Json.Serialization;

namespace VScsi.Engine.Configuration;

/// <summary>
/// The configuration of a managed system, or of one partition and what it serves, as JSON (the
/// VIOS viosbr idea): partitions with their profiles, adapters, virtual disks, pools, target
/// devices, media repositories and media. CHAP secrets are never part of it (they live in their
/// own owner-only file); user names are.
/// </summary>
public sealed record ConfigurationExport(int FormatVersion, SystemInfo System, IReadOnlyList<Partition> Partitions,
    IReadOnlyList<PartitionProfile> Profiles, IReadOnlyList<VirtualScsiAdapter> Adapters, IReadOnlyList<VirtualDisk> VirtualDisks,
    IReadOnlyList<StoragePool> StoragePools, IReadOnlyList<AdapterMapping> Mappings, IReadOnlyList<MediaRepository> MediaRepositories,
    IReadOnlyList<VirtualMedia> Media)
{
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);
}

public sealed partial class ManagedSystem
{
    /// <summary>The whole configuration, or one server partition's with the clients its adapters serve.</summary>
    public ConfigurationExport ExportConfiguration(string? partition = null)
    {
        var partitions = GetPartitions();
        var owner = partition is null ? null : GetPartition(partition);
        bool Mine(string name) => owner is null || string.Equals(name, owner.Name, StringComparison.OrdinalIgnoreCase);
        var mappings = GetMappings(owner?.Name).Where(m => m.ServerAdapter.PartitionName.Length > 0).ToList();
        var clients = mappings.Select(m => m.ClientPartitionId).OfType<int>().ToHashSet();
        bool Related(Partition p) => owner is null || p.Id == owner.Id || clients.Contains(p.Id);
        var related = partitions.Where(Related).ToList();
        return new ConfigurationExport(ConfigurationExport.CurrentFormatVersion, GetSystem(), related,
            related.SelectMany(p => GetProfiles(p.Name)).ToList(),
            related.SelectMany(p => GetAdapters(p.Name)).ToList(),
            GetVirtualDisks(owner?.Name), GetStoragePools(owner?.Name), mappings,
            GetMediaRepositories(owner?.Name), GetMedia(owner?.Name).Where(m => Mine(m.PartitionName)).ToList());
    }
}
