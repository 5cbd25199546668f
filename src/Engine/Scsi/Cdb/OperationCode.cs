namespace VScsi.Engine.Scsi.Cdb;

/// <summary>Operation codes this target implements (SPC-5 table A.2, SBC-4 table A.1).</summary>
public static class OperationCode
{
    public const byte TestUnitReady = 0x00;
    public const byte RequestSense = 0x03;
    public const byte Read6 = 0x08;
    public const byte Write6 = 0x0A;
    public const byte Inquiry = 0x12;
    public const byte ModeSelect6 = 0x15;
    public const byte Reserve6 = 0x16;
    public const byte Release6 = 0x17;
    public const byte ModeSense6 = 0x1A;
    public const byte StartStopUnit = 0x1B;
    public const byte ReadCapacity10 = 0x25;
    public const byte Read10 = 0x28;
    public const byte Write10 = 0x2A;
    public const byte WriteAndVerify10 = 0x2E;
    public const byte Verify10 = 0x2F;
    public const byte PreFetch10 = 0x34;
    public const byte SynchronizeCache10 = 0x35;
    public const byte WriteSame10 = 0x41;
    public const byte ModeSelect10 = 0x55;
    public const byte Reserve10 = 0x56;
    public const byte Release10 = 0x57;
    public const byte ModeSense10 = 0x5A;
    public const byte PersistentReserveIn = 0x5E;
    public const byte PersistentReserveOut = 0x5F;
    public const byte Unmap = 0x42;
    public const byte Read16 = 0x88;
    public const byte CompareAndWrite = 0x89;
    public const byte Write16 = 0x8A;
    public const byte WriteAndVerify16 = 0x8E;
    public const byte Verify16 = 0x8F;
    public const byte PreFetch16 = 0x90;
    public const byte SynchronizeCache16 = 0x91;
    public const byte WriteSame16 = 0x93;
    public const byte ServiceActionIn16 = 0x9E;
    public const byte ReportLuns = 0xA0;
    public const byte MaintenanceIn = 0xA3;
    public const byte Read12 = 0xA8;
    public const byte Write12 = 0xAA;
    public const byte WriteAndVerify12 = 0xAE;

    /// <summary>SERVICE ACTION IN(16) service action for READ CAPACITY(16) (SBC-4 5.20).</summary>
    public const byte ReadCapacity16ServiceAction = 0x10;

    /// <summary>MAINTENANCE IN service action for REPORT SUPPORTED OPERATION CODES (SPC-5 6.35).</summary>
    public const byte ReportSupportedOperationCodesServiceAction = 0x0C;

    /// <summary>SERVICE ACTION IN(16) service action for GET LBA STATUS (SBC-4 5.7).</summary>
    public const byte GetLbaStatusServiceAction = 0x12;

    /// <summary>The CDB length implied by the group code in the top three bits (SPC-5 4.2.5.1).</summary>
    public static int LengthOf(byte opcode) => (opcode >> 5) switch
    {
        0 => 6,
        1 or 2 => 10,
        4 => 16,
        5 => 12,
        _ => 0, // reserved or vendor specific groups
    };
}
