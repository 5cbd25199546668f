namespace VScsi.Reliability.Fuzz;

/// <summary>
/// Mutations of an encoded PDU. Field mutations keep the framing (the target still knows where the
/// next PDU starts); framing mutations (lying lengths, truncation, spoiled digests) do not, so a
/// case sends nothing after one and closes its side instead.
/// </summary>
public static class PduMutator
{
    /// <summary>
    /// Changes header fields in place: tags, sequence numbers, flags, LUN, or random header bytes.
    /// Without <paramref name="allowHugeEdtl"/> a SCSI Command's expected length stays below 16 MiB.
    /// </summary>
    public static void MutateFields(WirePdu pdu, FuzzRandom r, bool allowHugeEdtl)
    {
        for (var n = r.Next(1, 4); n > 0; n--)
        {
            switch (r.Next(8))
            {
                case 0: pdu.Itt = r.Chance(2) ? WirePdu.ReservedTag : r.EdgyUInt32(); break;
                case 1: pdu.U32(24, r.EdgyUInt32()); break;                         // CmdSN
                case 2: pdu.U32(28, r.EdgyUInt32()); break;                         // ExpStatSN
                case 3: pdu.Header[1] = r.NextByte(); break;                        // flags
                case 4: pdu.U64(8, r.Chance(2) ? (ulong)r.Next(4) << 48 : r.NextUInt64()); break;
                case 5: pdu.U32(20, r.EdgyUInt32()); break;                         // EDTL, TTT or RefTaskTag
                case 6: pdu.Header[0] = (byte)((pdu.Header[0] & 0x3F) | (r.Chance(2) ? 0x40 : 0)); break;
                default: pdu.Header[r.Next(8, WirePdu.BhsLength)] = r.NextByte(); break;
            }
        }
        if (!allowHugeEdtl && pdu.Opcode == 0x01) pdu.Header[20] = 0;
    }

    /// <summary>Encodes <paramref name="pdu"/> with a framing mutation: the bytes sent no longer delimit themselves.</summary>
    public static byte[] BreakFraming(WirePdu pdu, FuzzRandom r, bool headerDigest, bool dataDigest)
    {
        var bytes = pdu.Encode(headerDigest, dataDigest);
        switch (r.Next(headerDigest || dataDigest ? 5 : 4))
        {
            case 0: // a data segment length that lies, up to the 16 MiB the field can hold
                var dsl = r.Chance(3) ? 0xFFFFFF : r.Next(1 << 24);
                bytes[5] = (byte)(dsl >> 16);
                bytes[6] = (byte)(dsl >> 8);
                bytes[7] = (byte)dsl;
                return Redigest(bytes, headerDigest);
            case 1: // additional header segments that are not there (TotalAHSLength in words)
                bytes[4] = r.Chance(2) ? (byte)0xFF : r.NextByte();
                return Redigest(bytes, headerDigest);
            case 2: // stop inside the PDU
                return bytes[..r.Next(1, bytes.Length)];
            case 3: // the header of this PDU and a second one run together
                return [.. bytes, .. bytes[..r.Next(1, WirePdu.BhsLength)]];
            default: // a spoiled digest
                bytes[headerDigest ? WirePdu.BhsLength + r.Next(4) : bytes.Length - 1 - r.Next(4)] ^= (byte)r.Next(1, 256);
                return bytes;
        }
    }

    /// <summary>Recomputes the header digest after a header change, so that the lie reaches the length checks.</summary>
    private static byte[] Redigest(byte[] bytes, bool headerDigest)
    {
        if (!headerDigest) return bytes;
        var crc = WirePdu.Crc32C(bytes.AsSpan(0, WirePdu.BhsLength));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(WirePdu.BhsLength), crc);
        return bytes;
    }
}
