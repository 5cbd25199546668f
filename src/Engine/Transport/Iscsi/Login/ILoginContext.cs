namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// What a <see cref="TargetLogin"/> needs from the connection and portal it runs on: PDUs in and
/// out, the targets of the portal, session admission and a log. The login owns the sequence
/// numbers of its responses; the connection writes them as given.
/// </summary>
internal interface ILoginContext
{
    /// <summary>The initiator's address, for log lines.</summary>
    string Peer { get; }

    /// <summary>The next PDU, or null at a clean end of the stream.</summary>
    ValueTask<Pdu?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Writes a Login Response as built (StatSN, ExpCmdSN, MaxCmdSN included).</summary>
    ValueTask SendAsync(Pdu response, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The target of this name on the portal, or null.</summary>
    IscsiTargetEntry? FindTarget(string iqn);

    /// <summary>True when the target was served and has been stopped (service unavailable rather than not found).</summary>
    bool WasServed(string iqn);

    /// <summary>Creates or reinstates the session; throws <see cref="LoginRefusedException"/> when it cannot.</summary>
    IscsiSession Admit(string initiator, ulong isid, ushort tsih, IscsiTargetEntry? entry, SessionParameters parameters, uint cmdSn);

    void Log(string message);
}
