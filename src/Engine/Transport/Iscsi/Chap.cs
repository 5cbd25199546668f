using System.Security.Cryptography;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>A CHAP user name and secret (RFC 7143 12.1.3; 12 to 16 bytes of secret are recommended).</summary>
public sealed record ChapSecret(string User, string Secret)
{
    public override string ToString() => $"{User} (secret hidden)";
}

/// <summary>CHAP with MD5 (RFC 1994, algorithm 5): response = MD5(identifier || secret || challenge); values in hex (0x) or base64 (0b).</summary>
public static class Chap
{
    public const string Md5 = "5";

    public static byte[] Response(byte identifier, string secret, ReadOnlySpan<byte> challenge)
    {
        var secretBytes = System.Text.Encoding.UTF8.GetBytes(secret);
        var input = new byte[1 + secretBytes.Length + challenge.Length];
        input[0] = identifier;
        secretBytes.CopyTo(input, 1);
        challenge.CopyTo(input.AsSpan(1 + secretBytes.Length));
        return MD5.HashData(input);
    }

    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(16);

    public static string Encode(ReadOnlySpan<byte> value) => "0x" + Convert.ToHexString(value).ToLowerInvariant();

    public static byte[]? Decode(string value)
    {
        try
        {
            if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return Convert.FromHexString(value[2..]);
            if (value.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) return Convert.FromBase64String(value[2..]);
        }
        catch (FormatException)
        {
        }
        return null;
    }

    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) => CryptographicOperations.FixedTimeEquals(expected, actual);
}
