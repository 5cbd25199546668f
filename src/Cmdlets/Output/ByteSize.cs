using System.Globalization;

namespace VScsi.PowerShell.Output;

/// <summary>
/// Byte counts as the default views show them: bytes below 1 KiB, else one decimal in the largest
/// binary unit (IEC 80000-13) that keeps the figure at 1 or more, so a few kilobytes never read "0 MB".
/// </summary>
public static class ByteSize
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>"512 B", "4.0 KiB", "1.5 GiB"; "-" when there is no figure.</summary>
    public static string Format(long? bytes)
    {
        if (bytes is not long b) return "-";
        if (Math.Abs(b) < 1024) return b.ToString(CultureInfo.InvariantCulture) + " B";
        var value = (double)b;
        var unit = -1;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>A rate: <see cref="Format"/> of the bytes per second with "/s"; "-" when the time is unknown.</summary>
    public static string Rate(double? bytesPerSecond) =>
        bytesPerSecond is double r && r > 0 ? Format((long)Math.Round(r)) + "/s" : "-";
}
