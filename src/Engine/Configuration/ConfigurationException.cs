namespace VScsi.Engine.Configuration;

/// <summary>
/// Every way a configuration request can be refused. The names are the stable error ids the
/// cmdlets report, so they never change once shipped.
/// </summary>
public enum ConfigurationError
{
    // The database itself
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseSchemaTooNew,
    DatabaseNotVScsi,
    DatabaseMigrationFailed,
    DatabaseEmpty,
    DatabaseNotAFile,
    DatabaseNotSqlite,
    // The system folder (issue 11): only New-* may create a system, and only in a new or empty folder
    SystemNotFound,
    SystemExists,
    SystemFolderNotEmpty,
    SystemPathNotAFolder,
    SystemPathUnreadable,
    // Partitions
    PartitionNotFound,
    PartitionNameInvalid,
    PartitionNameInUse,
    PartitionIdInUse,
    PartitionIdInvalid,
    PartitionRunning,
    PartitionNotRunning,
    PartitionHasPairedAdapters,
    PartitionHasStorage,
    MaxVirtualSlotsInvalid,
    // Profiles
    ProfileNotFound,
    ProfileNameInvalid,
    ProfileNameInUse,
    DefaultProfileRemoval,
    InvalidAdapterSyntax,
    // Adapters and pairing
    AdapterNotFound,
    AdapterNameInvalid,
    AdapterNameInUse,
    SlotReserved,
    SlotOutOfRange,
    SlotInUse,
    ServerAdapterRequiresServerPartition,
    RemotePartitionNotServer,
    RemotePartitionMismatch,
    RemoteRequired,
    SelfPairing,
    ServerAdapterNotAllowed,
    ServerAdapterInUse,
    RemoteAdapterNotServer,
    RequiredAdapterRemoval,
    RequiredAdapterUnpaired,
    // Storage and virtual target devices
    StorageRequiresServerPartition,
    VirtualDiskNotFound,
    VirtualDiskNameInvalid,
    VirtualDiskNameInUse,
    VirtualDiskPathInUse,
    VirtualDiskSizeInvalid,
    VirtualDiskFileError,
    VirtualDiskMapped,
    BackingDeviceInUse,
    BackingDeviceNotOwned,
    TargetDeviceNotFound,
    TargetDeviceNameInUse,
    TooManyTargetDevices,
    StoragePoolNotFound,
    StoragePoolNameInUse,
    StoragePoolPathInUse,
    StoragePoolFull,
    StoragePoolNotEmpty,
    StoragePoolSizeInvalid,
    StorageSizeOverflow,
    BackingPathReserved,
    BackingSizeNotBlockAligned,
    // Removable media
    MediaRepositoryNotFound,
    MediaRepositoryExists,
    MediaRepositoryNotEmpty,
    MediaRepositoryFull,
    MediaNotFound,
    MediaNameInvalid,
    MediaNameInUse,
    MediaFileError,
    MediaSizeInvalid,
    MediaLoaded,
    MediaInUse,
    MediaKindMismatch,
    DriveNotEmpty,
    DriveEmpty,
    NotADrive,
    PartitionRequired,
    // Import
    InvalidImport,
    ImportConflict,
    // iSCSI
    IscsiNameInvalid,
    IscsiNameInUse,
    QueueDepthInvalid,
    ChapSecretInvalid,
}

/// <summary>A refused configuration request: a stable <see cref="Error"/>, a message saying what to do, and the input at fault.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(ConfigurationError error, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
        Target = target;
    }

    public ConfigurationError Error { get; }

    public object? Target { get; }
}
