namespace VScsi.PowerShell;

/// <summary>Readable descriptions of the additional sense codes this target reports (SPC-5 table F.1).</summary>
internal static class SenseText
{
    public static string Describe(int key, byte asc, byte ascq) => (asc, ascq) switch
    {
        (0x00, 0x00) => "No additional sense information",
        (0x04, 0x02) => "Logical unit not ready, initializing command required",
        (0x0C, 0x00) => "Write error",
        (0x11, 0x00) => "Unrecovered read error",
        (0x1A, 0x00) => "Parameter list length error",
        (0x1D, 0x00) => "Miscompare during verify operation",
        (0x20, 0x00) => "Invalid command operation code",
        (0x21, 0x00) => "Logical block address out of range",
        (0x24, 0x00) => "Invalid field in CDB",
        (0x25, 0x00) => "Logical unit not supported",
        (0x26, 0x00) => "Invalid field in parameter list",
        (0x26, 0x04) => "Invalid release of persistent reservation",
        (0x27, 0x00) => "Write protected",
        (0x27, 0x07) => "Space allocation failed write protect",
        (0x29, 0x00) => "Power on, reset, or bus device reset occurred",
        (0x29, 0x03) => "Bus device reset function occurred",
        (0x2A, 0x01) => "Mode parameters changed",
        (0x2A, 0x03) => "Reservations preempted",
        (0x2A, 0x04) => "Reservations released",
        (0x2A, 0x05) => "Registrations preempted",
        (0x2A, 0x09) => "Capacity data has changed",
        (0x2F, 0x00) => "Commands cleared by another initiator",
        (0x39, 0x00) => "Saving parameters not supported",
        (0x3A, 0x00) => "Medium not present",
        (0x3F, 0x0E) => "Reported LUNs data has changed",
        (0x44, 0x00) => "Internal target failure",
        _ => $"Sense key {key:X}h, ASC {asc:X2}h, ASCQ {ascq:X2}h",
    };
}
