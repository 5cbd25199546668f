using Microsoft.Data.Sqlite;
using VScsi.Engine.Backup;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Configuration;

public sealed partial class ManagedSystem
{
    /// <summary>Side files VScsi keeps beside a disk image: change tracking and persistent reservations (and their temporary copies).</summary>
    private static readonly string[] SidecarSuffixes = [ChangedBlockTracker.Extension, ".pr.json", ".pr.json.tmp"];

    /// <summary>
    /// Refuses a backing path that is one of the system's own files (issue 10, item 6): the database
    /// and its -wal/-shm/-journal files, the CHAP secrets, serving locks and control sockets, the side
    /// files of disk images, and registered media. Compared by name after following symbolic links,
    /// and by device and inode (<see cref="FileIdentity"/>) so a hard link is caught too.
    /// </summary>
    private void CheckBackingPath(SqliteConnection c, string path)
    {
        var resolved = FileIdentity.Resolve(path);
        var folder = FileIdentity.Resolve(Path.GetDirectoryName(_db.Path)!);
        var name = Path.GetFileName(resolved);
        if (string.Equals(Path.GetDirectoryName(resolved), folder, PathComparison) && SystemFileRole(name) is { } role)
            throw Reserved(path, role);
        if (SidecarSuffixes.FirstOrDefault(x => name.EndsWith(x, StringComparison.OrdinalIgnoreCase)) is { } suffix)
            throw Reserved(path, $"a side file VScsi keeps beside a disk image (*{suffix})");
        if (FileIdentity.Of(path) is not { } identity) return;   // a new file: its name was all there was to check
        foreach (var (file, what) in OwnFiles(c, folder))
            if (FileIdentity.Of(file) == identity)
                throw Reserved(path, what);
    }

    /// <summary>What a file of the system folder is to VScsi, or null when it is not one of its own.</summary>
    private static string? SystemFileRole(string name)
    {
        if (name.StartsWith(SystemDatabase.FileName, StringComparison.OrdinalIgnoreCase)
            && (name.Length == SystemDatabase.FileName.Length || name[SystemDatabase.FileName.Length] == '-' || name[SystemDatabase.FileName.Length..].StartsWith(".new-", StringComparison.Ordinal)))
            return "the configuration database or one of its journal files";
        if (name.StartsWith(SecretsFile, StringComparison.OrdinalIgnoreCase)) return "the CHAP secrets file";
        if (name.StartsWith("serve-", StringComparison.OrdinalIgnoreCase) && (name.EndsWith(".lock", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".sock", StringComparison.OrdinalIgnoreCase)))
            return "a serving lock or control socket";
        return null;
    }

    /// <summary>The existing files a backing path must not be, whatever name it reaches them by.</summary>
    private IEnumerable<(string File, string What)> OwnFiles(SqliteConnection c, string folder)
    {
        foreach (var file in Directory.EnumerateFileSystemEntries(folder))
            if (SystemFileRole(Path.GetFileName(file)) is { } role) yield return (file, role);
        foreach (var disk in LoadDisks(c))
        {
            yield return (disk.Path, $"the image of virtual disk '{disk.Name}'");
            foreach (var suffix in SidecarSuffixes) yield return (disk.Path + suffix, $"a side file of virtual disk '{disk.Name}'");
        }
        foreach (var media in LoadMediaRows(c)) yield return (media.Path, $"the file of medium '{media.Name}'");
    }

    private static ConfigurationException Reserved(string path, string what) =>
        new(ConfigurationError.BackingPathReserved, $"'{path}' is {what}; a client's disk there would destroy it. Choose another path.", path);

    /// <summary>An existing image must be whole blocks (a partial last block could be neither read nor written) and within the product maximum.</summary>
    private static void CheckExistingImage(string path, int blockSize)
    {
        var length = FileBlockStore.LengthOf(path);
        if (length % blockSize != 0)
            throw new ConfigurationException(ConfigurationError.BackingSizeNotBlockAligned,
                $"'{path}' is {length} bytes, not a whole number of {blockSize}-byte blocks; it is not a disk image. Use an image whose size is a multiple of the block size.", path);
        if (length > SizeLimits.MaxDiskBytes)
            throw new ConfigurationException(ConfigurationError.VirtualDiskSizeInvalid,
                $"'{path}' is {length} bytes; a virtual disk is at most {SizeLimits.Describe(SizeLimits.MaxDiskBytes)}.", path);
    }

    private static StringComparison PathComparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}
