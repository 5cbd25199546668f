using Microsoft.Data.Sqlite;

namespace VScsi.Engine.Configuration;

/// <summary>What a system folder holds, as far as creating or opening a managed system is concerned.</summary>
public enum SystemFolderState
{
    /// <summary>Nothing is at the path: a new system may be made there.</summary>
    Missing,
    /// <summary>An empty folder: a new system may be made there.</summary>
    Empty,
    /// <summary>A folder with files but no system.db: not a system, and not a place to start one unasked.</summary>
    OtherFiles,
    /// <summary>A folder with a system.db (whether it is healthy is checked when it is opened).</summary>
    System,
}

/// <summary>
/// The folder of a managed system (issue 11, item 4): a path that holds no system is an error for
/// everything but the commands that create one, so a mistyped -SystemPath cannot silently start an
/// empty system; a path that is a file, or cannot be read, has its own error.
/// </summary>
public sealed partial class ManagedSystem
{
    /// <summary>What <paramref name="folder"/> holds; throws SystemPathNotAFolder or SystemPathUnreadable.</summary>
    public static SystemFolderState Inspect(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
            throw new ConfigurationException(ConfigurationError.SystemPathNotAFolder,
                $"The system path '{full}' is a file, not a folder. A managed system is a folder; choose another -SystemPath.", full);
        if (!Directory.Exists(full)) return SystemFolderState.Missing;
        try
        {
            if (SystemFileCheck.Exists(Path.Combine(full, SystemDatabase.FileName))) return SystemFolderState.System;
            return Directory.EnumerateFileSystemEntries(full).Any() ? SystemFolderState.OtherFiles : SystemFolderState.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(full, e);
        }
    }

    /// <summary>Refuses a folder that holds no managed system (SystemNotFound), before anything is created.</summary>
    public static void RequireSystem(string folder)
    {
        var full = Path.GetFullPath(folder);
        var state = Inspect(full);
        if (state == SystemFolderState.System) return;
        var what = state == SystemFolderState.Missing ? "the folder does not exist" : "the folder holds no system.db";
        throw new ConfigurationException(ConfigurationError.SystemNotFound,
            $"No managed system at '{full}' ({what}). Check -SystemPath (or $env:{HomeVariable}), or create a system there with New-VScsiSystem -Path '{full}'.", full);
    }

    /// <summary>
    /// Refuses a folder where a New-* command may not start a system: one that holds other files and
    /// no system (SystemFolderNotEmpty). A missing or empty folder, or an existing system, is fine.
    /// </summary>
    public static void RequireCreatable(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (Inspect(full) != SystemFolderState.OtherFiles) return;
        throw new ConfigurationException(ConfigurationError.SystemFolderNotEmpty,
            $"'{full}' holds other files and no managed system, so VScsi does not start one there (a mistyped -SystemPath would scatter a system among them). Use a new or empty folder, or make the system there on purpose with New-VScsiSystem -Path '{full}'.", full);
    }

    /// <summary>Creates the folder (when missing) and an empty managed system in it; an existing system is refused with SystemExists.</summary>
    public static ManagedSystem Create(string folder, ManagedSystemOptions? options = null)
    {
        var full = Path.GetFullPath(folder);
        if (Inspect(full) == SystemFolderState.System)
            throw new ConfigurationException(ConfigurationError.SystemExists,
                $"'{full}' already holds a managed system. Use it with -SystemPath '{full}', or remove it first with Remove-VScsiSystem -Path '{full}'.", full);
        return Open(full, options);
    }

    /// <summary>Opens the system in <paramref name="folder"/> without ever creating one (SystemNotFound when there is none).</summary>
    public static ManagedSystem OpenExisting(string folder, ManagedSystemOptions? options = null)
    {
        RequireSystem(folder);
        return Open(folder, options);
    }

    /// <summary>Makes the folder of a new system; a path that cannot be made becomes SystemPathUnreadable.</summary>
    private static void CreateFolder(string full)
    {
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(full, e);
        }
    }

    /// <summary>Opens the database, turning file-system refusals (no access, cannot create) into SystemPathUnreadable.</summary>
    private static SystemDatabase OpenDatabase(string full, TimeSpan busyTimeout, IReadOnlyList<string> migrations)
    {
        if (Inspect(full) != SystemFolderState.System) CreateFolder(full);
        try
        {
            return SystemDatabase.Open(full, busyTimeout, migrations);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || e is SqliteException { SqliteErrorCode: 14 }) // SQLITE_CANTOPEN
        {
            throw Unreadable(full, e);
        }
    }

    private static ConfigurationException Unreadable(string full, Exception e) =>
        new(ConfigurationError.SystemPathUnreadable,
            $"The system folder '{full}' cannot be read or created: {e.Message} Check the path and its permissions, or choose another -SystemPath.", full, e);

    /// <summary>
    /// Deletes the managed system in <paramref name="folder"/>: its database (with the SQLite side
    /// files) and serving lock files, and the storage it registered inside the folder (disk files with
    /// their changed-block maps, media files, pool and repository folders, backup archives). Storage outside the folder is kept, as
    /// Remove-VScsiPartition keeps disk files. The folder goes too when nothing else is left in it.
    /// Returns what was left (files VScsi did not make). The caller makes sure nothing serves it.
    /// </summary>
    public static IReadOnlyList<string> Delete(string folder)
    {
        var full = Path.GetFullPath(folder);
        List<string> owned;
        using (var system = OpenExisting(full))
        {
            var disks = system.GetVirtualDisks().Select(d => d.Path).ToList();
            owned = [.. disks, .. disks.Select(d => d + Backup.ChangedBlockTracker.Extension), .. system.GetStoragePools().Select(p => p.Path),
                .. system.GetMediaRepositories().Select(r => r.Path), .. system.GetMedia().Select(m => m.Path),
                .. system.GetBackups().Select(b => b.Path)];
        }
        try
        {
            foreach (var path in owned.Select(Path.GetFullPath).Where(p => IsInside(full, p)).OrderByDescending(p => p.Length))
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
            }
            foreach (var name in new[] { "", "-wal", "-shm", "-journal" })
                File.Delete(Path.Combine(full, SystemDatabase.FileName + name));
            foreach (var lockFile in Directory.EnumerateFiles(full, "serve-*.lock"))
                File.Delete(lockFile);
            var left = Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal).ToList();
            if (left.Count == 0) Directory.Delete(full);
            return left;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(full, e);
        }
    }

    private static bool IsInside(string folder, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
