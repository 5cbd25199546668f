using System.Globalization;
using System.Security.Cryptography;

namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// The target's side of CHAP with MD5 (RFC 7143 12.1.3, RFC 1994): a fresh identifier and
/// challenge for CHAP_A, the check of CHAP_N/CHAP_R against the secret, and for mutual CHAP the
/// target's own CHAP_N/CHAP_R for the initiator's CHAP_I/CHAP_C. Every failure is an
/// authentication failure (0201).
/// </summary>
internal sealed class ChapExchange(ChapSecret secret, ChapSecret? mutual)
{
    private byte _id;
    private byte[]? _challenge;

    /// <summary>True when the target must also prove itself (the initiator must send CHAP_I and CHAP_C).</summary>
    public bool Mutual => mutual is not null;

    /// <summary>Answers CHAP_A: only algorithm 5 (MD5) is spoken.</summary>
    public void Challenge(string algorithms, List<KeyValuePair<string, string>> answers)
    {
        if (!algorithms.Split(',').Contains(Chap.Md5, StringComparer.Ordinal))
            throw Failure($"CHAP_A={algorithms} offers no algorithm this target speaks (only MD5, 5)");
        _id = (byte)RandomNumberGenerator.GetInt32(256);
        _challenge = Chap.NewChallenge();
        answers.Add(new("CHAP_A", Chap.Md5));
        answers.Add(new("CHAP_I", _id.ToString(CultureInfo.InvariantCulture)));
        answers.Add(new("CHAP_C", Chap.Encode(_challenge)));
    }

    /// <summary>
    /// Checks CHAP_N and CHAP_R against the challenge sent; for mutual CHAP answers the
    /// initiator's challenge. <paramref name="mutualId"/>/<paramref name="mutualChallenge"/> are the
    /// initiator's CHAP_I/CHAP_C, when sent.
    /// </summary>
    public void Verify(string? name, string? response, string? mutualId, string? mutualChallenge, List<KeyValuePair<string, string>> answers)
    {
        if (_challenge is null) throw Failure("CHAP_N/CHAP_R before the target sent its challenge");
        if (name is null || response is null) throw Failure("CHAP_N and CHAP_R must come together");
        var given = Chap.Decode(response);
        var expected = Chap.Response(_id, secret.Secret, _challenge);
        var nameMatches = string.Equals(name, secret.User, StringComparison.Ordinal);
        if (given is null || !Chap.Matches(expected, given) || !nameMatches)
            throw Failure("wrong CHAP name or response");
        if (mutual is null)
        {
            if (mutualId is not null || mutualChallenge is not null)
                throw Failure("mutual CHAP asked for, but this target has no mutual secret");
            return;
        }
        if (mutualId is null || mutualChallenge is null)
            throw Failure("this target requires mutual CHAP and the initiator sent no CHAP_I/CHAP_C");
        if (!TryIdentifier(mutualId, out var id)) throw Failure($"CHAP_I={mutualId} is not a number from 0 to 255");
        var challenge = Chap.Decode(mutualChallenge);
        if (challenge is not { Length: > 0 and <= LoginLimits.MaxChapChallenge })
            throw Failure($"CHAP_C must be a hex or base64 value of 1 to {LoginLimits.MaxChapChallenge} bytes");
        if (challenge.AsSpan().SequenceEqual(_challenge)) throw Failure("the initiator reflected the target's challenge");
        answers.Add(new("CHAP_N", mutual.User));
        answers.Add(new("CHAP_R", Chap.Encode(Chap.Response(id, mutual.Secret, challenge))));
    }

    /// <summary>CHAP_I is a numerical value (RFC 7143 6.1): decimal or 0x hex, one byte (RFC 1994 4.1).</summary>
    private static bool TryIdentifier(string value, out byte id)
    {
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return byte.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
        return byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    private static LoginRefusedException Failure(string reason) => new(LoginStatus.AuthenticationFailure, reason);
}
