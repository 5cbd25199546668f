namespace VScsi.Engine.Configuration;

/// <summary>
/// The configuration schema as an ordered list of forward migrations; the database's
/// <c>PRAGMA user_version</c> is the number of migrations applied. Never edit a shipped migration:
/// append a new one.
/// </summary>
internal static class Schema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: system, partitions, configurations (profiles and the running configuration), adapters.
        """
        CREATE TABLE system (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            serial TEXT NOT NULL,
            machine_type_model TEXT NOT NULL,
            created_utc TEXT NOT NULL);
        CREATE TABLE partition (
            id INTEGER PRIMARY KEY CHECK (id >= 1),
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            type TEXT NOT NULL CHECK (type IN ('Vios', 'IbmI', 'AixLinux')),
            default_profile TEXT NOT NULL COLLATE NOCASE);
        CREATE TABLE config (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            running INTEGER NOT NULL CHECK (running IN (0, 1)),
            max_virtual_slots INTEGER NOT NULL,
            UNIQUE (partition_id, running, name));
        CREATE UNIQUE INDEX config_one_running ON config (partition_id) WHERE running = 1;
        CREATE TABLE adapter (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            config_id INTEGER NOT NULL REFERENCES config (id) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            slot INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('Server', 'Client')),
            remote_id TEXT NOT NULL,
            remote_name TEXT NOT NULL,
            remote_slot TEXT NOT NULL,
            required INTEGER NOT NULL CHECK (required IN (0, 1)),
            UNIQUE (config_id, slot),
            UNIQUE (config_id, name));
        """,
        // 2: virtual disks owned by server partitions, and virtual target devices mapping them to
        // server adapters (by slot, which profiles and the running configuration share).
        """
        CREATE TABLE virtual_disk (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            path TEXT NOT NULL UNIQUE,
            block_size INTEGER NOT NULL CHECK (block_size IN (512, 4096)),
            created INTEGER NOT NULL CHECK (created IN (0, 1)),
            shareable INTEGER NOT NULL CHECK (shareable IN (0, 1)),
            unit_id TEXT NOT NULL,
            serial TEXT NOT NULL);
        CREATE TABLE target_device (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            server_slot INTEGER NOT NULL,
            lun INTEGER NOT NULL,
            disk_id INTEGER NOT NULL REFERENCES virtual_disk (id),
            UNIQUE (partition_id, name),
            UNIQUE (partition_id, server_slot, lun));
        """,
        // 3: storage pools (a folder, optionally with a size limit) whose backing devices are
        // virtual disks created inside them (the VIOS mksp/mkbdsp idea).
        """
        CREATE TABLE storage_pool (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            path TEXT NOT NULL UNIQUE,
            size_bytes INTEGER);
        ALTER TABLE virtual_disk ADD COLUMN pool_id INTEGER REFERENCES storage_pool (id);
        """,
        // 4: iSCSI per adapter slot (shared by profiles and the running configuration, like target
        // devices): a name override (target IQN of a server adapter, initiator name of a client
        // adapter), the client adapter's queue depth, the CHAP user names (secrets live in a file
        // with owner-only permissions); and the portal a serving process listens on.
        """
        CREATE TABLE adapter_iscsi (
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            slot INTEGER NOT NULL,
            name TEXT,
            queue_depth INTEGER NOT NULL DEFAULT 16 CHECK (queue_depth BETWEEN 1 AND 256),
            chap_user TEXT,
            mutual_chap_user TEXT,
            PRIMARY KEY (partition_id, slot));
        CREATE TABLE iscsi_portal (
            partition_id INTEGER PRIMARY KEY REFERENCES partition (id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL,
            process_id INTEGER NOT NULL,
            host TEXT NOT NULL,
            started_utc TEXT NOT NULL);
        """,
        // 5: removable media. One media repository (VMLibrary) per server partition for optical
        // media (ISO images, DVD-RAM images) and tape cartridges (SIMH tape images); target devices
        // become Disk, Optical (vtoptN) or Tape (vttapeN), the latter two with their own stable
        // unit id and the media loaded in them. target_device is rebuilt because disk_id is no
        // longer required.
        """
        CREATE TABLE media_repository (
            partition_id INTEGER PRIMARY KEY REFERENCES partition (id) ON DELETE CASCADE,
            path TEXT NOT NULL UNIQUE,
            size_bytes INTEGER);
        CREATE TABLE media (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('Optical', 'Tape')),
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            path TEXT NOT NULL UNIQUE,
            read_only INTEGER NOT NULL CHECK (read_only IN (0, 1)),
            owned INTEGER NOT NULL CHECK (owned IN (0, 1)),
            capacity_bytes INTEGER);
        CREATE TABLE target_device_v5 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            server_slot INTEGER NOT NULL,
            lun INTEGER NOT NULL,
            kind TEXT NOT NULL DEFAULT 'Disk' CHECK (kind IN ('Disk', 'Optical', 'Tape')),
            disk_id INTEGER REFERENCES virtual_disk (id),
            unit_id TEXT,
            media_id INTEGER REFERENCES media (id),
            CHECK ((kind = 'Disk') = (disk_id IS NOT NULL)),
            UNIQUE (partition_id, name),
            UNIQUE (partition_id, server_slot, lun));
        INSERT INTO target_device_v5 (id, partition_id, name, server_slot, lun, kind, disk_id)
            SELECT id, partition_id, name, server_slot, lun, 'Disk', disk_id FROM target_device;
        DROP TABLE target_device;
        ALTER TABLE target_device_v5 RENAME TO target_device;
        """,
        // 6: the backup catalog: one row per archive written by Start-VScsiBackup (or found by
        // Get-VScsiBackup -Path), with its parent for incremental chains.
        """
        CREATE TABLE backup (
            id TEXT PRIMARY KEY,
            partition_id INTEGER NOT NULL REFERENCES partition (id) ON DELETE CASCADE,
            type TEXT NOT NULL CHECK (type IN ('Full', 'Incremental')),
            parent_id TEXT,
            path TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            devices TEXT NOT NULL,
            logical_bytes INTEGER NOT NULL,
            stored_bytes INTEGER NOT NULL,
            archive_bytes INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            checksum TEXT NOT NULL);
        """,
    ];
}
