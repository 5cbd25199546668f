using System.Text.Json;
using System.Text.Json.Serialization;

namespace VScsi.Engine.Backup;

public enum BackupType { Full, Incremental }

/// <summary>One backed-up device's geometry, as the first member names it.</summary>
public sealed record BackupDeviceInfo(string Name, string OriginalPath, long Size, int BlockSize, string Member);

/// <summary>The first member, <c>vscsi-backup.json</c>: enough to check a chain without reading the data.</summary>
public sealed record BackupHeader(int FormatVersion, Guid BackupId, BackupType Type, Guid? ParentId, string Partition,
    DateTimeOffset Created, IReadOnlyList<BackupDeviceInfo> Devices);

/// <summary>A stored extent and its XXH128 checksum (32 lowercase hex digits of the big-endian 128-bit value).</summary>
public sealed record ManifestExtent(long Offset, long Length, string Xxh128);

/// <summary>One device in the manifest: the extents stored, and (incrementals) the ranges that became holes.</summary>
public sealed record ManifestDevice(string Name, string OriginalPath, long Size, int BlockSize, string Member, long StoredBytes,
    IReadOnlyList<ManifestExtent> Extents, IReadOnlyList<ByteRange> Zeroed);

/// <summary>The <c>vscsi-manifest.json</c> member, written after the data because it carries their checksums.</summary>
public sealed record BackupManifest(int FormatVersion, Guid BackupId, BackupType Type, Guid? ParentId, string Partition,
    DateTimeOffset Created, string ChecksumAlgorithm, string ConfigXxh128, IReadOnlyList<ManifestDevice> Devices);

/// <summary>The last member, <c>vscsi-end.json</c>: the seal over every byte before it, so a truncated archive cannot pass.</summary>
public sealed record BackupEndMarker(Guid BackupId, int Members, long StoredBytes, string ManifestXxh128, string ArchiveXxh128);

/// <summary>Member names and the JSON form shared by the writer and the reader.</summary>
internal static class BackupMembers
{
    public const int FormatVersion = 1;
    public const string Header = "vscsi-backup.json";
    public const string Config = "vscsi-config.json";
    public const string Manifest = "vscsi-manifest.json";
    public const string End = "vscsi-end.json";
    public const string DiskFolder = "disks/";
    public const string ChecksumAlgorithm = "xxh128";
    public const int MaxJsonBytes = 256 << 20;

    /// <summary>The largest extent that carries one checksum: a corrupted byte is located to within this.</summary>
    public const long SegmentSize = 4 << 20;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string DiskMember(string device) => $"{DiskFolder}{device}.img";

    public static byte[] ToJson<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T FromJson<T>(byte[] json, string member) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"Member {member} is empty.");

    public static string Hex(UInt128 value) => value.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
}
