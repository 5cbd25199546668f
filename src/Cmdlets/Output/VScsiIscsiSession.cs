using System.Collections;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.PowerShell.Output;

/// <summary>A live iSCSI session on a portal of this process, as the target sees it.</summary>
public sealed class VScsiIscsiSession
{
    internal VScsiIscsiSession(IscsiSession s, IscsiPortal portal)
    {
        var entry = portal.Targets.FirstOrDefault(t => string.Equals(t.Iqn, s.TargetName, StringComparison.OrdinalIgnoreCase));
        Target = s.TargetName ?? "(discovery)";
        ServerAdapter = entry?.Alias;
        Type = s.IsDiscovery ? "Discovery" : "Normal";
        InitiatorName = s.InitiatorName;
        Isid = $"0x{s.Isid:x12}";
        Tsih = s.Tsih;
        Connections = s.Connections;
        RemoteAddress = s.RemoteEndPoint;
        Portal = Engine.Runtime.ServingRegistry.FormatEndPoint(portal.EndPoint);
        QueueDepth = s.QueueDepth;
        Commands = s.Commands;
        BytesRead = s.BytesRead;
        BytesWritten = s.BytesWritten;
        Started = s.Started.ToLocalTime();
        Parameters = new Hashtable(s.Parameters.ToDictionary().ToDictionary(p => p.Key, p => (object)p.Value), StringComparer.OrdinalIgnoreCase);
    }

    public string Target { get; }

    /// <summary><c>partition/vhostN</c> of the server adapter behind the target.</summary>
    public string? ServerAdapter { get; }

    /// <summary>The server partition whose adapter the session logged in to (null for discovery), so -Partition binds downstream.</summary>
    public string? Partition => ServerAdapter?.Split('/')[0];

    public string Type { get; }
    public string InitiatorName { get; }
    public string Isid { get; }
    public ushort Tsih { get; }
    public int Connections { get; }
    public string? RemoteAddress { get; }
    public string Portal { get; }

    /// <summary>The CmdSN window the target grants.</summary>
    public int QueueDepth { get; }
    public long Commands { get; }
    public long BytesRead { get; }
    public long BytesWritten { get; }
    public DateTime Started { get; }

    /// <summary>The negotiated operational parameters by their RFC 7143 key names.</summary>
    public Hashtable Parameters { get; }

    public override string ToString() => $"{InitiatorName} -> {Target} (TSIH {Tsih})";
}
