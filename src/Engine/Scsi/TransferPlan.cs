using VScsi.Engine.Scsi.Cdb;
using VScsi.Engine.Scsi.Sense;

namespace VScsi.Engine.Scsi;

/// <summary>
/// A command's transfer settled against the transport's expected data transfer length (the role of
/// LIO's target_cmd_size_check): how big a data-in buffer to give it, how much data-out it takes,
/// the residual to report, or a refusal. Nothing here is sized by the expected length alone: the
/// CDB decides what moves (SAM-5 5.4.3), the logical unit's maximum bounds it, and the expected
/// length only cuts it short (overflow) or leaves part of the initiator's buffer unused (underflow,
/// RFC 7143 11.4.5.1).
/// </summary>
public readonly record struct TransferPlan(int DataIn, int DataOut, long Overflow, long Underflow, ScsiResult? Refusal)
{
    /// <summary>
    /// Settles <paramref name="parsed"/> against <paramref name="expected"/> bytes the initiator
    /// offered in direction <paramref name="offered"/>; <paramref name="cdb"/> is cut to the whole
    /// blocks both allow when a write's data falls short of its CDB. <paramref name="maxTransfer"/> is
    /// the logical unit's maximum transfer length in bytes.
    /// </summary>
    public static TransferPlan Decide(ParsedCdb parsed, DataDirection offered, long expected, int maxTransfer, Span<byte> cdb)
    {
        var needed = parsed.TransferLength;
        if (needed > maxTransfer)
        {
            // An allocation length only caps the response; anything else over the maximum cannot run
            // (SBC-4 5.16 and the other READ/WRITE CDBs: TRANSFER LENGTH over the Block Limits VPD
            // MAXIMUM TRANSFER LENGTH is INVALID FIELD IN CDB).
            if (!parsed.IsAllocation) return Refuse(ScsiResult.InvalidField(parsed.LengthOffset));
            needed = maxTransfer;
        }
        var take = offered == parsed.Direction ? expected : 0;
        switch (parsed.Direction)
        {
            case DataDirection.In:
                // The residual follows from what the command produces (the transport compares at completion).
                return new TransferPlan((int)(parsed.IsAllocation ? Math.Min(needed, take) : needed), 0, 0, 0, null);
            case DataDirection.Out:
            {
                var given = Math.Min(needed, take);
                if (parsed.Unit != TransferUnit.Blocks)
                {
                    // Parameter lists, WRITE SAME, VERIFY, COMPARE AND WRITE: the handler judges the data
                    // against its CDB (a PARAMETER LIST LENGTH ERROR, or INVALID FIELD IN CDB), so it gets
                    // what the initiator sends, as long as that stays within the maximum.
                    if (take > needed && take <= maxTransfer) return new TransferPlan(0, (int)take, 0, 0, null);
                }
                else if (given < needed)
                {
                    // Cutting the write short must not bring a range past the last block back inside it
                    // (SBC-4 4.5: the range the CDB names is checked, not the part the data covers).
                    if (parsed.BeyondCapacity) return new TransferPlan(0, 0, needed - take, 0, ScsiResult.Check(SenseReason.LbaOutOfRange));
                    // The CDB and the expected length disagree: write the whole blocks both allow.
                    var blockLength = needed / (long)parsed.Blocks;
                    var blocks = (ulong)(given / blockLength);
                    given = (long)blocks * blockLength;
                    if (!parsed.WithBlocks(cdb, blocks))
                        return new TransferPlan(0, 0, needed - take, 0, ScsiResult.Check(SenseReason.InvalidFieldInInformationUnit));
                }
                return new TransferPlan(0, (int)given, Math.Max(0, needed - take), Math.Max(0, take - needed), null);
            }
            default:
                return new TransferPlan(0, 0, 0, expected, null);
        }
    }

    private static TransferPlan Refuse(ScsiResult refusal) => new(0, 0, 0, 0, refusal);
}
