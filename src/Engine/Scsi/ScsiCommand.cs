namespace VScsi.Engine.Scsi;

/// <summary>
/// One command as a transport delivers it: the CDB, the data-out buffer (writes), and the
/// data-in buffer sized to the initiator's expected transfer length (reads). Handlers never write
/// past <see cref="DataIn"/>; the transport reports the residual.
/// </summary>
public sealed class ScsiCommand(ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> dataOut = default, Memory<byte> dataIn = default)
{
    public ReadOnlyMemory<byte> Cdb { get; } = cdb;
    public ReadOnlyMemory<byte> DataOut { get; } = dataOut;
    public Memory<byte> DataIn { get; } = dataIn;
    public byte OperationCode => Cdb.Length > 0 ? Cdb.Span[0] : (byte)0;
}
