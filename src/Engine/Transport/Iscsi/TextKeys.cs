using System.Text;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>Text key=value pairs of login and text PDUs (RFC 7143 6.1): UTF-8, each pair ended by a NUL.</summary>
public static class TextKeys
{
    public static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> data)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var item in Encoding.UTF8.GetString(data).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw new IscsiProtocolException($"A text item without a key=value form: '{item}'.");
            pairs.Add(new(item[..eq], item[(eq + 1)..]));
        }
        return pairs;
    }

    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in pairs) text.Append(key).Append('=').Append(value).Append('\0');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
