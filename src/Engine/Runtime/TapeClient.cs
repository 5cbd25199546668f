using System.Buffers.Binary;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Sense;
using VScsi.Engine.Transport;

namespace VScsi.Engine.Runtime;

/// <summary>A tape command that failed, with its decoded sense; <see cref="SenseKey"/> is None when the status itself (e.g. RESERVATION CONFLICT) failed it.</summary>
public sealed class TapeException(string message, ScsiStatus status, SenseKey senseKey, byte asc, byte ascq) : IOException(message)
{
    public ScsiStatus Status { get; } = status;
    public SenseKey SenseKey { get; } = senseKey;
    public byte Asc { get; } = asc;
    public byte Ascq { get; } = ascq;
}

/// <summary>Where a tape is: the logical object (block) number, whether it is at the beginning, and whether past early warning (SSC-4 READ POSITION short form: BOP, BPEW).</summary>
public sealed record TapePosition(ulong Block, bool BeginningOfPartition, bool PastEarlyWarning);

/// <summary>
/// What a client does with a tape drive, in real SSC-4 commands over any session: write a file as
/// records of a block size followed by a filemark, read records back up to the next filemark or
/// end of data, and position the tape (REWIND, SPACE, LOCATE, READ POSITION). The drive works in
/// variable-block mode, so every record keeps its own length, as tar and dd expect.
/// </summary>
public sealed class TapeClient(IClientSession session, ulong lun)
{
    /// <summary>The largest record the client reads in one READ(6) (its 24-bit transfer length allows 16 MiB - 1).</summary>
    public const int MaxRecord = 0x00FF_FFFF;

    private const byte Filemark = 0x80, EndOfMedium = 0x40, IncorrectLength = 0x20;

    /// <summary>Writes <paramref name="source"/> as records of <paramref name="blockSize"/> (the last may be shorter) and then one filemark; returns the bytes written.</summary>
    public async Task<long> WriteFileAsync(Stream source, int blockSize, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, MaxRecord);
        var buffer = new byte[blockSize];
        long total = 0;
        while (true)
        {
            var filled = await FillAsync(source, buffer, cancellationToken).ConfigureAwait(false);
            if (filled == 0) break;
            await WriteRecordAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
            total += filled;
            progress?.Report(total);
        }
        await WriteFilemarksAsync(1, cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>WRITE(6) of one variable-length record; early warning is not an error (the record was written), VOLUME OVERFLOW is.</summary>
    public async Task WriteRecordAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        var cdb = new byte[6];
        cdb[0] = 0x0A;
        Length24(cdb, record.Length);
        var (status, sense, _) = await ExecuteAsync(cdb, record, default, cancellationToken).ConfigureAwait(false);
        if (status == ScsiStatus.CheckCondition && IsEarlyWarningOnly(sense)) return;
        Check(status, sense, "WRITE");
    }

    /// <summary>WRITE FILEMARKS(6).</summary>
    public async Task WriteFilemarksAsync(int count, CancellationToken cancellationToken = default)
    {
        var cdb = new byte[6];
        cdb[0] = 0x10;
        Length24(cdb, count);
        var (status, sense, _) = await ExecuteAsync(cdb, default, default, cancellationToken).ConfigureAwait(false);
        if (status == ScsiStatus.CheckCondition && IsEarlyWarningOnly(sense)) return;
        Check(status, sense, "WRITE FILEMARKS");
    }

    /// <summary>
    /// Reads records into <paramref name="destination"/> until a filemark (the tape is left after it)
    /// or the end of data; returns the bytes read. A record longer than <paramref name="maxRecord"/> fails.
    /// </summary>
    public async Task<long> ReadFileAsync(Stream destination, int maxRecord = 1 << 20, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecord, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecord, MaxRecord);
        var buffer = new byte[maxRecord];
        var cdb = new byte[6];
        cdb[0] = 0x08;
        cdb[1] = 0x02;                                  // SILI: a shorter record is not an error
        Length24(cdb, maxRecord);
        long total = 0;
        while (true)
        {
            var (status, sense, length) = await ExecuteAsync(cdb, default, buffer, cancellationToken).ConfigureAwait(false);
            if (status == ScsiStatus.CheckCondition && sense.Length > 2)
            {
                if ((sense[2] & Filemark) != 0 || (SenseKey)(sense[2] & 0x0F) == SenseKey.BlankCheck) break;
                if ((sense[2] & IncorrectLength) != 0)
                    throw new TapeException($"A record is longer than {maxRecord} bytes; read with a larger -BlockSize.", status, (SenseKey)(sense[2] & 0x0F), sense[12], sense[13]);
            }
            Check(status, sense, "READ");
            await destination.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            total += length;
            progress?.Report(total);
        }
        return total;
    }

    public Task RewindAsync(CancellationToken cancellationToken = default) => RunAsync([0x01, 0, 0, 0, 0, 0], "REWIND", cancellationToken);

    /// <summary>SPACE(16) over <paramref name="count"/> filemarks (negative: backwards); the tape stops after the last one.</summary>
    public Task SpaceFilemarksAsync(long count, CancellationToken cancellationToken = default) => SpaceAsync(1, count, "SPACE filemarks", cancellationToken);

    /// <summary>SPACE(16) over <paramref name="count"/> blocks (negative: backwards).</summary>
    public Task SpaceBlocksAsync(long count, CancellationToken cancellationToken = default) => SpaceAsync(0, count, "SPACE blocks", cancellationToken);

    /// <summary>SPACE(16) to end of data, where the next write appends.</summary>
    public Task SpaceToEndOfDataAsync(CancellationToken cancellationToken = default) => SpaceAsync(3, 0, "SPACE to end of data", cancellationToken);

    /// <summary>LOCATE(16) to a logical object (block) number.</summary>
    public Task LocateAsync(ulong block, CancellationToken cancellationToken = default)
    {
        var cdb = new byte[16];
        cdb[0] = 0x92;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(4), block);
        return RunAsync(cdb, "LOCATE", cancellationToken);
    }

    /// <summary>READ POSITION, short form (SSC-4 7.7.2).</summary>
    public async Task<TapePosition> ReadPositionAsync(CancellationToken cancellationToken = default)
    {
        var data = new byte[20];
        var (status, sense, _) = await ExecuteAsync(new byte[] { 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, default, data, cancellationToken).ConfigureAwait(false);
        Check(status, sense, "READ POSITION");
        return new TapePosition(BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)), (data[0] & 0x80) != 0, (data[0] & 0x01) != 0);
    }

    private Task SpaceAsync(byte code, long count, string what, CancellationToken cancellationToken)
    {
        var cdb = new byte[16];
        cdb[0] = 0x91;
        cdb[1] = code;
        BinaryPrimitives.WriteInt64BigEndian(cdb.AsSpan(4), count);
        return RunAsync(cdb, what, cancellationToken);
    }

    private async Task RunAsync(byte[] cdb, string what, CancellationToken cancellationToken)
    {
        var (status, sense, _) = await ExecuteAsync(cdb, default, default, cancellationToken).ConfigureAwait(false);
        Check(status, sense, what);
    }

    /// <summary>
    /// Runs a command, again after each unit attention (power on, medium may have changed), as the
    /// st driver does: a unit attention means the command was not run (SAM-5 5.14).
    /// </summary>
    private async Task<(ScsiStatus Status, byte[] Sense, int Length)> ExecuteAsync(byte[] cdb, ReadOnlyMemory<byte> dataOut, Memory<byte> dataIn, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await session.ExecuteAsync(lun, cdb, dataOut, dataIn, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (attempt < 8 && r.Status == ScsiStatus.CheckCondition && r.Sense.Length > 2 && (SenseKey)(r.Sense[2] & 0x0F) == SenseKey.UnitAttention) continue;
            return r;
        }
    }

    /// <summary>NO SENSE with EOM set: the write succeeded past early warning (SSC-4 4.2.5).</summary>
    private static bool IsEarlyWarningOnly(byte[] sense) => sense.Length > 2 && (sense[2] & EndOfMedium) != 0 && (SenseKey)(sense[2] & 0x0F) == SenseKey.NoSense;

    private static void Check(ScsiStatus status, byte[] sense, string what)
    {
        if (status == ScsiStatus.Good) return;
        if (sense.Length < 14)
            throw new TapeException(status == ScsiStatus.ReservationConflict
                ? $"{what} failed: the tape drive is in use by another client (RESERVATION CONFLICT)."
                : $"{what} failed with status {status}.", status, SenseKey.NoSense, 0, 0);
        var key = (SenseKey)(sense[2] & 0x0F);
        throw new TapeException($"{what} failed: {key}, ASC {sense[12]:X2}h ASCQ {sense[13]:X2}h.", status, key, sense[12], sense[13]);
    }

    private static void Length24(Span<byte> cdb, int value)
    {
        cdb[2] = (byte)(value >> 16);
        cdb[3] = (byte)(value >> 8);
        cdb[4] = (byte)value;
    }

    private static async Task<int> FillAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
