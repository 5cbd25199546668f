namespace VScsi.Engine.Scsi;

/// <summary>
/// One command as a transport delivers it: the CDB, the data-out buffer (writes), and the
/// data-in buffer sized to the initiator's expected transfer length (reads). Handlers never write
/// past <see cref="DataIn"/>; the transport reports the residual. <see cref="Nexus"/> names the
/// I_T nexus (the initiator port, e.g. a client adapter or an iSCSI session) that sent it: unit
/// attentions and reservations are kept per nexus.
/// </summary>
public sealed class ScsiCommand(ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> dataOut = default, Memory<byte> dataIn = default, string nexus = ScsiCommand.DefaultNexus)
{
    public const string DefaultNexus = "local";

    public string Nexus { get; } = nexus;
    public ReadOnlyMemory<byte> Cdb { get; } = cdb;
    public ReadOnlyMemory<byte> DataOut { get; } = dataOut;
    public Memory<byte> DataIn { get; } = dataIn;
    public byte OperationCode => Cdb.Length > 0 ? Cdb.Span[0] : (byte)0;
}
