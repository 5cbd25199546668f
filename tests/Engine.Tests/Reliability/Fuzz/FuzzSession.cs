using System.Buffers.Binary;
using System.Globalization;

namespace VScsi.Reliability.Fuzz;

/// <summary>The answer to one SCSI command: status, data-in, sense, and whether the connection survived it.</summary>
public sealed record CommandAnswer(byte Status, byte[] Data, byte[] Sense, bool Closed)
{
    public bool Good => !Closed && Status == 0;

    public byte SenseKey => Sense.Length > 2 ? (byte)(Sense[2] & 0x0F) : (byte)0;

    public override string ToString() => Closed ? "connection closed" : $"status {Status:x2} sense {Convert.ToHexString(Sense.AsSpan(0, Math.Min(Sense.Length, 18)))}";
}

/// <summary>
/// Valid initiator behaviour over a <see cref="FuzzWire"/>: logins (AuthMethod None, or CHAP
/// exactly as RFC 7143 12.1.3 has it) and SCSI commands with Data-In, R2T and Data-Out (RFC 7143 11.3-11.8).
/// </summary>
public static class FuzzSession
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    /// <summary>A Login Request header (RFC 7143 11.12) with a random-type ISID.</summary>
    public static WirePdu LoginPdu(ulong isidTail, bool transit, int csg, int nsg, uint cmdSn = 0)
    {
        var pdu = new WirePdu(0x03, immediate: true, flags: (byte)((transit ? 0x80 : 0) | (csg << 2) | nsg)) { Itt = 0x4C00 };
        pdu.Header[8] = 0x80;                                   // ISID type "random" (RFC 7143 10.12.5)
        for (var i = 0; i < 5; i++) pdu.Header[9 + i] = (byte)(isidTail >> (8 * i));
        pdu.U32(24, cmdSn);
        return pdu;
    }

    /// <summary>The operational keys a normal session offers.</summary>
    public static (string, string)[] Operational(bool headerDigest, bool dataDigest) =>
    [
        ("HeaderDigest", headerDigest ? "CRC32C" : "None"), ("DataDigest", dataDigest ? "CRC32C" : "None"),
        ("MaxRecvDataSegmentLength", "262144"), ("InitialR2T", "No"), ("ImmediateData", "Yes"),
        ("MaxBurstLength", "1048576"), ("FirstBurstLength", "65536"), ("ErrorRecoveryLevel", "0"),
    ];

    /// <summary>Logs in to the target without CHAP; null (with the reason) when refused.</summary>
    public static async Task<(FuzzWire? Wire, string Why)> LoginAsync(FuzzTarget target, ulong isid, bool headerDigest, bool dataDigest, CancellationToken ct)
    {
        var wire = await FuzzWire.ConnectAsync(target.Portal, ct).ConfigureAwait(false);
        var login = LoginPdu(isid, true, 0, 3);
        login.Data = WirePdu.Keys([("InitiatorName", target.InitiatorIqn), ("SessionType", "Normal"), ("TargetName", target.TargetIqn),
            ("AuthMethod", "None"), .. Operational(headerDigest, dataDigest)]);
        await wire.SendAsync(login, ct).ConfigureAwait(false);
        return await FinishAsync(wire, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A case's own login: retried twice, because a concurrent case may legitimately reset the
    /// target (TARGET COLD RESET, RFC 7143 11.5.1) just as this session is admitted.
    /// </summary>
    public static async Task<(FuzzWire? Wire, string Why)> CaseLoginAsync(FuzzTarget target, ulong isid, bool headerDigest, bool dataDigest, CancellationToken ct)
    {
        var why = "";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            FuzzWire? wire;
            (wire, why) = await LoginAsync(target, isid + (ulong)attempt, headerDigest, dataDigest, ct).ConfigureAwait(false);
            if (wire is not null) return (wire, why);
        }
        return (null, why);
    }

    /// <summary>Logs in to the CHAP target with the right secret through every step of RFC 7143 12.1.3.</summary>
    public static async Task<(FuzzWire? Wire, string Why)> ChapLoginAsync(FuzzTarget target, ulong isid, CancellationToken ct)
    {
        var wire = await FuzzWire.ConnectAsync(target.Portal, ct).ConfigureAwait(false);
        var step = LoginPdu(isid, false, 0, 1);
        step.Data = WirePdu.Keys(("InitiatorName", target.ChapInitiatorIqn), ("SessionType", "Normal"), ("TargetName", target.ChapTargetIqn), ("AuthMethod", "CHAP"));
        var keys = await ExchangeAsync(wire, step, ct).ConfigureAwait(false);
        if (keys is null) return await FailAsync(wire, "no answer to AuthMethod=CHAP").ConfigureAwait(false);
        step = LoginPdu(isid, false, 0, 1);
        step.Data = WirePdu.Keys(("CHAP_A", "5"));
        keys = await ExchangeAsync(wire, step, ct).ConfigureAwait(false);
        if (keys is null || !keys.TryGetValue("CHAP_I", out var id) || !keys.TryGetValue("CHAP_C", out var challenge))
            return await FailAsync(wire, "no CHAP challenge").ConfigureAwait(false);
        var response = ChapResponse(byte.Parse(id, CultureInfo.InvariantCulture), target.ChapSecret, Convert.FromHexString(challenge[2..]));
        step = LoginPdu(isid, true, 0, 1);
        step.Data = WirePdu.Keys(("CHAP_N", target.ChapUser), ("CHAP_R", "0x" + Convert.ToHexString(response)));
        if (await ExchangeAsync(wire, step, ct).ConfigureAwait(false) is null) return await FailAsync(wire, "CHAP response refused").ConfigureAwait(false);
        var op = LoginPdu(isid, true, 1, 3);
        op.Data = WirePdu.Keys(Operational(false, false));
        await wire.SendAsync(op, ct).ConfigureAwait(false);
        return await FinishAsync(wire, ct).ConfigureAwait(false);
    }

    /// <summary>The CHAP response of RFC 1994 4.1: MD5 over identifier, secret and challenge.</summary>
    public static byte[] ChapResponse(byte id, string secret, byte[] challenge)
    {
        var input = new byte[1 + System.Text.Encoding.UTF8.GetByteCount(secret) + challenge.Length];
        input[0] = id;
        System.Text.Encoding.UTF8.GetBytes(secret, input.AsSpan(1));
        challenge.CopyTo(input, input.Length - challenge.Length);
#pragma warning disable CA5351 // CHAP is defined over MD5
        return System.Security.Cryptography.MD5.HashData(input);
#pragma warning restore CA5351
    }

    private static async Task<Dictionary<string, string>?> ExchangeAsync(FuzzWire wire, WirePdu step, CancellationToken ct)
    {
        await wire.SendAsync(step, ct).ConfigureAwait(false);
        var r = await wire.ReceiveAsync(Guard, ct).ConfigureAwait(false);
        return r is { Opcode: 0x23, LoginStatus: 0 } ? WirePdu.ParseKeys(r.Data) : null;
    }

    private static async Task<(FuzzWire?, string)> FailAsync(FuzzWire wire, string why)
    {
        await wire.DisposeAsync().ConfigureAwait(false);
        return (null, why);
    }

    private static async Task<(FuzzWire?, string)> FinishAsync(FuzzWire wire, CancellationToken ct)
    {
        var r = await wire.ReceiveAsync(Guard, ct).ConfigureAwait(false);
        if (r is null || r.Opcode != 0x23 || r.LoginStatus != 0 || (r.Flags & 0x83) != 0x83)
            return await FailAsync(wire, r is null ? "connection closed during login" : $"login status {r.LoginStatus:x4} flags {r.Flags:x2}").ConfigureAwait(false);
        var keys = WirePdu.ParseKeys(r.Data);
        wire.HeaderDigest = keys.GetValueOrDefault("HeaderDigest") == "CRC32C";
        wire.DataDigest = keys.GetValueOrDefault("DataDigest") == "CRC32C";
        if (int.TryParse(keys.GetValueOrDefault("MaxRecvDataSegmentLength"), CultureInfo.InvariantCulture, out var mrdsl)) wire.MaxRecvDataSegment = mrdsl;
        wire.CmdSn = r.U32(28);
        return (wire, "");
    }

    /// <summary>A SCSI Command PDU (RFC 7143 11.3) with the next ITT and CmdSN.</summary>
    public static WirePdu Command(FuzzWire wire, ReadOnlySpan<byte> cdb, bool read, bool write, uint edtl, ulong lun = 0)
    {
        var pdu = new WirePdu(0x01, flags: (byte)(0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 1)) { Itt = wire.Itt++ };
        pdu.U64(8, lun);
        pdu.U32(20, edtl);
        pdu.U32(24, wire.CmdSn++);
        cdb[..Math.Min(16, cdb.Length)].CopyTo(pdu.Header.AsSpan(32));
        return pdu;
    }

    /// <summary>Runs one command to its status: Data-In collected, R2Ts answered from <paramref name="dataOut"/>, NOP-In pings answered.</summary>
    public static async Task<CommandAnswer> ExecuteAsync(FuzzWire wire, byte[] cdb, uint edtl, byte[]? dataOut, CancellationToken ct, bool read = true)
    {
        var write = dataOut is not null;
        var cmd = Command(wire, cdb, read && !write, write, edtl);
        var immediate = write ? Math.Min(dataOut!.Length, Math.Min(wire.MaxRecvDataSegment, 65536)) : 0;
        if (immediate > 0) cmd.Data = dataOut![..immediate];
        if (write && immediate == dataOut!.Length) cmd.Header[1] |= 0x80;
        await wire.SendAsync(cmd, ct).ConfigureAwait(false);
        var data = new MemoryStream();
        while (true)
        {
            var pdu = await wire.ReceiveAsync(Guard, ct).ConfigureAwait(false);
            if (pdu is null) return new CommandAnswer(0xFF, [], [], true);
            if (pdu.Opcode == 0x20 && pdu.U32(20) != WirePdu.ReservedTag) await wire.AnswerPingAsync(pdu, ct).ConfigureAwait(false);
            if (pdu.Itt != cmd.Itt) continue;
            switch (pdu.Opcode)
            {
                case 0x25:
                    data.Position = pdu.U32(40);
                    data.Write(pdu.Data);
                    if ((pdu.Flags & 0x01) != 0) return new CommandAnswer(pdu.Header[3], data.ToArray(), [], false);
                    break;
                case 0x31:
                    await SendDataOutAsync(wire, pdu, dataOut ?? [], ct).ConfigureAwait(false);
                    break;
                case 0x21:
                    var sense = pdu.Data.Length > 2 ? pdu.Data[2..Math.Min(pdu.Data.Length, 2 + BinaryPrimitives.ReadUInt16BigEndian(pdu.Data))] : [];
                    return new CommandAnswer(pdu.Header[3], data.ToArray(), sense, false);
            }
        }
    }

    private static async Task SendDataOutAsync(FuzzWire wire, WirePdu r2t, byte[] dataOut, CancellationToken ct)
    {
        var (offset, length) = ((int)r2t.U32(40), (int)r2t.U32(44));
        var dataSn = 0u;
        for (var sent = 0; sent < length; dataSn++)
        {
            var n = Math.Min(wire.MaxRecvDataSegment, length - sent);
            var pdu = new WirePdu(0x05, flags: (byte)(sent + n >= length ? 0x80 : 0)) { Itt = r2t.Itt };
            pdu.U32(20, r2t.U32(20));
            pdu.U32(28, wire.ExpStatSn);
            pdu.U32(36, dataSn);
            pdu.U32(40, (uint)(offset + sent));
            var from = Math.Min(offset + sent, dataOut.Length);
            pdu.Data = dataOut[from..Math.Min(from + n, dataOut.Length)];
            await wire.SendAsync(pdu, ct).ConfigureAwait(false);
            sent += n;
        }
    }

    /// <summary>Logs out (close the session, RFC 7143 11.14) and waits for the answer or the end of the connection.</summary>
    public static async Task LogoutAsync(FuzzWire wire, CancellationToken ct)
    {
        var logout = new WirePdu(0x06, immediate: true) { Itt = wire.Itt++ };
        logout.U32(24, wire.CmdSn);
        try
        {
            await wire.SendAsync(logout, ct).ConfigureAwait(false);
            await wire.EndsWithinAsync(Guard, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
        }
    }
}
