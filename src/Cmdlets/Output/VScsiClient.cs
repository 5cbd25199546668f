using VScsi.Engine.Runtime;
using VScsi.Engine.Transport.InProcess;
using VScsi.Engine.Transport;

namespace VScsi.PowerShell.Output;

/// <summary>A client adapter's open session with its server adapter (one I_T nexus).</summary>
public sealed class VScsiClientSession
{
    internal VScsiClientSession(IClientSession session, string partition, string adapter, string server, string systemPath)
    {
        Session = session;
        Partition = partition;
        Adapter = adapter;
        Server = server;
        SystemPath = systemPath;
    }

    internal IClientSession Session { get; }
    public string Partition { get; }
    public string Adapter { get; }
    /// <summary><c>partition/adapter</c> of the server end.</summary>
    public string Server { get; }
    public string Nexus => Session.Nexus;
    public int QueueDepth => Session.QueueDepth;

    /// <summary>"in-process", or the iscsi:// address of the target when the session crosses processes.</summary>
    public string Transport => Session.Transport;
    public string SystemPath { get; }

    public override string ToString() => Nexus;
}

/// <summary>A device as the client sees it, from INQUIRY and READ CAPACITY.</summary>
public sealed class VScsiClientDevice
{
    internal VScsiClientDevice(ClientDevice d, VScsiClientSession session)
    {
        Device = d;
        ClientSession = session;
    }

    internal ClientDevice Device { get; }
    internal VScsiClientSession ClientSession { get; }
    public string Name => Device.Name;
    public string Partition => ClientSession.Partition;
    public string Adapter => ClientSession.Adapter;
    public ulong Lun => Device.Lun;
    public string ViosLun => $"0x{Device.ViosLun:x16}";
    public string Type => Device.TypeName;
    public string Vendor => Device.Vendor;
    public string Product => Device.Product;
    public ulong CapacityBytes => Device.CapacityBytes;
    public ulong BlockCount => Device.BlockCount;
    public int BlockSize => Device.BlockSize;
    public string Serial => Device.Serial;
    public string NaaId => Device.NaaId;

    /// <summary>The managed system of the client partition, so the device binds -SystemPath downstream.</summary>
    public string SystemPath => ClientSession.SystemPath;

    public override string ToString() => Name;
}

/// <summary>The outcome of Invoke-VScsiCommand: status, decoded sense, data.</summary>
public sealed class VScsiCommandResult
{
    internal VScsiCommandResult(ScsiResponse r)
    {
        Status = r.Status.ToString();
        Data = r.Data;
        Residual = r.Residual;
        Sense = r.Sense;
        if (r.Sense.Length >= 14)
        {
            SenseKey = ((VScsi.Engine.Scsi.Sense.SenseKey)(r.Sense[2] & 0x0F)).ToString();
            Asc = r.Sense[12];
            Ascq = r.Sense[13];
            Description = SenseText.Describe(r.Sense[2] & 0x0F, Asc.Value, Ascq.Value);
        }
    }

    public string Status { get; }
    public string? SenseKey { get; }
    public byte? Asc { get; }
    public byte? Ascq { get; }
    public string? Description { get; }
    public byte[] Data { get; }
    public int Residual { get; }
    public byte[] Sense { get; }
}
