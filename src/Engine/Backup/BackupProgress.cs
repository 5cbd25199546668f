namespace VScsi.Engine.Backup;

/// <summary>Progress of a backup, verify or restore: bytes of extent data done out of the total, and the device at work.</summary>
public readonly record struct BackupProgress(long BytesDone, long BytesTotal, string? Device);
