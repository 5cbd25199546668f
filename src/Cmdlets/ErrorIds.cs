using System.Management.Automation;
using VScsi.Engine.Configuration;

namespace VScsi.PowerShell;

/// <summary>
/// The stable error ids of the module (the first part of FullyQualifiedErrorId) and their
/// categories. Engine refusals keep their <see cref="ConfigurationError"/> name as the id.
/// </summary>
public static class ErrorIds
{
    public static string For(ConfigurationError error) => error.ToString();

    /// <summary>Export-VScsiTopology -Path names a file that exists, and -Force was not given.</summary>
    public const string TopologyFileExists = "TopologyFileExists";

    /// <summary>Export-VScsiTopology cannot write its -Path (missing folder, a folder, no permission...).</summary>
    public const string TopologyFileWriteFailed = "TopologyFileWriteFailed";

    /// <summary>An input -Path names no file (or its folder does not exist).</summary>
    public const string InputFileNotFound = "InputFileNotFound";

    /// <summary>An input -Path names a folder.</summary>
    public const string InputPathIsFolder = "InputPathIsFolder";

    /// <summary>An input -Path exists but cannot be read (permissions, a device, an I/O error).</summary>
    public const string InputFileUnreadable = "InputFileUnreadable";

    /// <summary>An output -Path is in a folder that does not exist (folders are not created for a file).</summary>
    public const string OutputFolderNotFound = "OutputFolderNotFound";

    /// <summary>An output -Path names an existing folder.</summary>
    public const string OutputPathIsFolder = "OutputPathIsFolder";

    /// <summary>An output -Path cannot be written (permissions, a full disk...); nothing is left behind.</summary>
    public const string OutputFileWriteFailed = "OutputFileWriteFailed";

    /// <summary>Start-VScsiBackup -Destination is an existing file or an archive name: it is always a folder.</summary>
    public const string BackupDestinationNotAFolder = "BackupDestinationNotAFolder";

    /// <summary>Start-VScsiBackup -Destination is missing and cannot be created.</summary>
    public const string BackupDestinationNotCreated = "BackupDestinationNotCreated";

    public static ErrorCategory CategoryOf(ConfigurationError error) => error switch
    {
        ConfigurationError.DatabaseCorrupt or ConfigurationError.DatabaseNotVScsi or ConfigurationError.DatabaseSchemaTooNew
            or ConfigurationError.DatabaseMigrationFailed or ConfigurationError.DatabaseEmpty or ConfigurationError.DatabaseNotSqlite => ErrorCategory.InvalidData,
        ConfigurationError.DatabaseNotAFile => ErrorCategory.InvalidType,
        ConfigurationError.SystemNotFound => ErrorCategory.ObjectNotFound,
        ConfigurationError.SystemExists => ErrorCategory.ResourceExists,
        ConfigurationError.SystemFolderNotEmpty => ErrorCategory.InvalidOperation,
        ConfigurationError.SystemPathNotAFolder => ErrorCategory.InvalidType,
        ConfigurationError.SystemPathUnreadable => ErrorCategory.PermissionDenied,
        ConfigurationError.DatabaseLocked => ErrorCategory.ResourceBusy,
        ConfigurationError.PartitionNotFound or ConfigurationError.ProfileNotFound or ConfigurationError.AdapterNotFound
            or ConfigurationError.VirtualDiskNotFound or ConfigurationError.TargetDeviceNotFound => ErrorCategory.ObjectNotFound,
        ConfigurationError.PartitionNameInUse or ConfigurationError.PartitionIdInUse or ConfigurationError.ProfileNameInUse
            or ConfigurationError.AdapterNameInUse or ConfigurationError.SlotInUse or ConfigurationError.ServerAdapterInUse
            or ConfigurationError.VirtualDiskNameInUse or ConfigurationError.VirtualDiskPathInUse or ConfigurationError.TargetDeviceNameInUse
            or ConfigurationError.BackingDeviceInUse => ErrorCategory.ResourceExists,
        ConfigurationError.PartitionRunning or ConfigurationError.PartitionNotRunning or ConfigurationError.PartitionHasPairedAdapters
            or ConfigurationError.PartitionHasStorage or ConfigurationError.VirtualDiskMapped or ConfigurationError.StorageRequiresServerPartition
            or ConfigurationError.DefaultProfileRemoval or ConfigurationError.RequiredAdapterRemoval or ConfigurationError.RequiredAdapterUnpaired
            or ConfigurationError.ServerAdapterRequiresServerPartition or ConfigurationError.ServerAdapterNotAllowed => ErrorCategory.InvalidOperation,
        _ => ErrorCategory.InvalidArgument,
    };

    /// <summary>Errors after which no further pipeline input can succeed: the database itself is unusable.</summary>
    public static bool IsTerminating(ConfigurationError error) => error is ConfigurationError.DatabaseCorrupt
        or ConfigurationError.DatabaseLocked or ConfigurationError.DatabaseNotVScsi or ConfigurationError.DatabaseSchemaTooNew
        or ConfigurationError.DatabaseMigrationFailed or ConfigurationError.DatabaseEmpty or ConfigurationError.DatabaseNotAFile
        or ConfigurationError.DatabaseNotSqlite
        or ConfigurationError.SystemNotFound or ConfigurationError.SystemFolderNotEmpty
        or ConfigurationError.SystemPathNotAFolder or ConfigurationError.SystemPathUnreadable;
}
