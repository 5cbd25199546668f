using System.Buffers.Binary;

namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>The fields of a Login Request basic header segment (RFC 7143 11.12), by name.</summary>
internal readonly struct LoginRequestHeader
{
    private const int FlagsOffset = 1;
    private const int VersionMaxOffset = 2;
    private const int VersionMinOffset = 3;
    private const int IsidOffset = 8;
    private const int TsihOffset = 14;
    private const int IttOffset = 16;
    private const int CidOffset = 20;
    private const int CmdSnOffset = 24;
    private const int ExpStatSnOffset = 28;

    /// <summary>T: the initiator is ready to leave the current stage (RFC 7143 11.12.1).</summary>
    private const byte TransitBit = 0x80;

    /// <summary>C: the text is continued in the next PDU (RFC 7143 11.12.2).</summary>
    private const byte ContinueBit = 0x40;

    private const int CsgShift = 2;
    private const byte StageMask = 0x03;

    public LoginRequestHeader(Pdu pdu)
    {
        var header = pdu.Header.AsSpan();
        Opcode = pdu.Opcode;
        var flags = header[FlagsOffset];
        Transit = (flags & TransitBit) != 0;
        Continue = (flags & ContinueBit) != 0;
        CurrentStage = (flags >> CsgShift) & StageMask;
        NextStage = flags & StageMask;
        VersionMax = header[VersionMaxOffset];
        VersionMin = header[VersionMinOffset];
        Isid = BinaryPrimitives.ReadUInt64BigEndian(header[IsidOffset..]) >> 16;
        Tsih = BinaryPrimitives.ReadUInt16BigEndian(header[TsihOffset..]);
        Itt = BinaryPrimitives.ReadUInt32BigEndian(header[IttOffset..]);
        Cid = BinaryPrimitives.ReadUInt16BigEndian(header[CidOffset..]);
        CmdSn = BinaryPrimitives.ReadUInt32BigEndian(header[CmdSnOffset..]);
        ExpStatSn = BinaryPrimitives.ReadUInt32BigEndian(header[ExpStatSnOffset..]);
    }

    public byte Opcode { get; }
    public bool Transit { get; }
    public bool Continue { get; }
    public int CurrentStage { get; }
    public int NextStage { get; }
    public byte VersionMax { get; }
    public byte VersionMin { get; }

    /// <summary>The initiator part of the session identifier (6 bytes).</summary>
    public ulong Isid { get; }

    public ushort Tsih { get; }
    public uint Itt { get; }
    public ushort Cid { get; }
    public uint CmdSn { get; }
    public uint ExpStatSn { get; }

    /// <summary>The fields that must not change between the Login Requests of one login (RFC 7143 11.12).</summary>
    public bool SameLoginAs(in LoginRequestHeader first) =>
        Isid == first.Isid && Tsih == first.Tsih && Itt == first.Itt && Cid == first.Cid &&
        VersionMax == first.VersionMax && VersionMin == first.VersionMin;
}
