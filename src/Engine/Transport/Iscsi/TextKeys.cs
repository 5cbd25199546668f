using System.Text;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// Text key=value pairs of login and text PDUs (RFC 7143 6.1): UTF-8, each pair ended by a NUL.
/// Parsing bounds every part, so no key or value from the wire is larger than the RFC allows.
/// </summary>
public static class TextKeys
{
    /// <summary>A key name is a standard-label of at most 63 characters (RFC 7143 6.1).</summary>
    public const int MaxKeyLength = 63;

    /// <summary>
    /// A simple value is at most 255 bytes unless its key says otherwise (RFC 7143 6.1); in a
    /// list of values the bound holds for each one.
    /// </summary>
    public const int MaxSimpleValueLength = 255;

    /// <summary>
    /// A value written as a hex (0x) or base64 (0b) constant, such as CHAP_C and CHAP_R, may be
    /// longer (RFC 7143 6.1 binary-value); this bounds its encoded form.
    /// </summary>
    public const int MaxBinaryValueLength = 8192;

    /// <summary>The pairs in the order sent; a malformed or oversized pair throws <see cref="IscsiProtocolException"/>.</summary>
    public static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> data)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)0);
            var item = end < 0 ? data : data[..end];
            data = end < 0 ? default : data[(end + 1)..];
            if (item.IsEmpty) continue;
            var eq = item.IndexOf((byte)'=');
            if (eq <= 0) throw new IscsiProtocolException($"A text item without a key=value form: '{Preview(item)}'.");
            var key = item[..eq];
            var value = item[(eq + 1)..];
            if (key.Length > MaxKeyLength)
                throw new IscsiProtocolException($"A key name of {key.Length} bytes (at most {MaxKeyLength}): '{Preview(key)}'.");
            CheckValue(key, value);
            pairs.Add(new(Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(value)));
        }
        return pairs;
    }

    private static void CheckValue(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (IsBinary(value))
        {
            if (value.Length > MaxBinaryValueLength)
                throw new IscsiProtocolException($"The binary value of {Preview(key)} is {value.Length} bytes long (at most {MaxBinaryValueLength}).");
            return;
        }
        while (true)
        {
            var comma = value.IndexOf((byte)',');
            var simple = comma < 0 ? value : value[..comma];
            if (simple.Length > MaxSimpleValueLength)
                throw new IscsiProtocolException($"A value of {Preview(key)} is over {MaxSimpleValueLength} bytes.");
            if (comma < 0) return;
            value = value[(comma + 1)..];
        }
    }

    /// <summary>A hex-constant (0x, 0X) or base64-constant (0b, 0B) of RFC 7143 6.1.</summary>
    private static bool IsBinary(ReadOnlySpan<byte> value) =>
        value.Length >= 2 && value[0] == (byte)'0' && value[1] is (byte)'x' or (byte)'X' or (byte)'b' or (byte)'B';

    private static string Preview(ReadOnlySpan<byte> text) => Encoding.UTF8.GetString(text[..Math.Min(text.Length, 64)]);

    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in pairs) text.Append(key).Append('=').Append(value).Append('\0');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
