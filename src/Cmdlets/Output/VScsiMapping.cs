using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>
/// One line of lsmap: a virtual target device on a server adapter, or the adapter alone when it
/// has none (<see cref="Device"/> is null). The default view groups lines by server adapter.
/// </summary>
public sealed class VScsiMapping
{
    internal VScsiMapping(AdapterMapping m, TargetDevice? device, string systemPath)
    {
        Partition = m.ServerAdapter.PartitionName;
        ServerAdapter = m.ServerAdapter.Name;
        LocationCode = m.ServerAdapter.LocationCode;
        ClientPartitionId = m.ClientPartitionId;
        Device = device?.Name;
        Lun = device?.Lun;
        ViosLun = device?.ViosLun;
        Kind = device?.Kind.ToString();
        BackingDevice = string.IsNullOrEmpty(device?.BackingDevice) ? null : device.BackingDevice;   // an empty drive has none
        BackingPath = string.IsNullOrEmpty(device?.BackingPath) ? null : device.BackingPath;
        Status = device is null ? "NoDevice" : "Available";
        SystemPath = systemPath;
    }

    public string Partition { get; }
    public string ServerAdapter { get; }
    public string LocationCode { get; }
    public int? ClientPartitionId { get; }
    /// <summary>The adapter heading as lsmap prints it.</summary>
    public string Svsa => $"{Partition}/{ServerAdapter}  Physloc: {LocationCode}  Client Partition ID: 0x{ClientPartitionId ?? 0:x8}";
    public string? Device { get; }
    public ulong? Lun { get; }
    public string? ViosLun { get; }
    /// <summary>Disk, Optical or Tape.</summary>
    public string? Kind { get; }
    /// <summary>The virtual disk, or the media loaded in a drive (null for an empty drive: lsmap's "No Media").</summary>
    public string? BackingDevice { get; }
    public string? BackingPath { get; }
    public string Status { get; }
    public string SystemPath { get; }

    public override string ToString() => Device ?? ServerAdapter;
}
