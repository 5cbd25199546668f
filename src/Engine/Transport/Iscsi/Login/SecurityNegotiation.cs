namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// The security stage (RFC 7143 6.3, 12, 12.1.3): the AuthMethod choice and, when the target
/// requires CHAP, one CHAP step per request: AuthMethod=CHAP, then CHAP_A, then CHAP_N with
/// CHAP_R (with CHAP_I and CHAP_C for mutual CHAP). A request that does not take the next step is
/// an authentication failure, so nothing but a valid answer to the challenge leads to
/// <see cref="LoginState.Authenticated"/>.
/// </summary>
internal sealed class SecurityNegotiation(ChapExchange? chap)
{
    /// <summary>The keys of the security stage; anywhere else they are an initiator error.</summary>
    public static readonly HashSet<string> Keys = new(StringComparer.Ordinal)
    {
        "AuthMethod", "CHAP_A", "CHAP_N", "CHAP_R", "CHAP_I", "CHAP_C",
    };

    private static readonly string[] ResponseKeys = ["CHAP_N", "CHAP_R", "CHAP_I", "CHAP_C"];

    /// <summary>True when nothing but a completed CHAP exchange ends the security stage.</summary>
    public bool RequiresChap => chap is not null;

    /// <summary>Takes the security keys of one complete request; returns the state it leads to.</summary>
    public LoginState Advance(LoginState state, List<KeyValuePair<string, string>> keys, List<KeyValuePair<string, string>> answers)
    {
        var authMethod = Value(keys, "AuthMethod");
        var algorithm = Value(keys, "CHAP_A");
        var responding = ResponseKeys.Any(k => Value(keys, k) is not null);
        if (chap is null) return WithoutChap(keys, authMethod, answers);
        switch (state)
        {
            case LoginState.Start:
                ChooseChap(authMethod, answers);
                if (algorithm is null)
                {
                    if (responding) throw Failure("CHAP_N/CHAP_R before the target sent its challenge");
                    return LoginState.AwaitingChapAlgorithm;
                }
                goto case LoginState.AwaitingChapAlgorithm;
            case LoginState.AwaitingChapAlgorithm:
                if (algorithm is null) throw Failure("the initiator did not send CHAP_A after AuthMethod=CHAP");
                if (responding) throw Failure("CHAP_N/CHAP_R before the target sent its challenge");
                chap.Challenge(algorithm, answers);
                return LoginState.AwaitingChapResponse;
            case LoginState.AwaitingChapResponse:
                chap.Verify(Value(keys, "CHAP_N"), Value(keys, "CHAP_R"), Value(keys, "CHAP_I"), Value(keys, "CHAP_C"), answers);
                return LoginState.Authenticated;
            default:
                if (keys.FirstOrDefault(k => k.Key.StartsWith("CHAP_", StringComparison.Ordinal)) is { Key: { } late })
                    throw new LoginRefusedException(LoginStatus.InitiatorError, $"{late} after the CHAP exchange completed");
                return LoginState.Authenticated;
        }
    }

    /// <summary>A target without CHAP: AuthMethod None (also when not offered at all), and no CHAP keys.</summary>
    private static LoginState WithoutChap(List<KeyValuePair<string, string>> keys, string? authMethod, List<KeyValuePair<string, string>> answers)
    {
        if (keys.FirstOrDefault(k => k.Key.StartsWith("CHAP_", StringComparison.Ordinal)) is { Key: { } stray })
            throw new LoginRefusedException(LoginStatus.InitiatorError, $"{stray} without AuthMethod=CHAP");
        if (authMethod is not null)
        {
            if (!authMethod.Split(',').Contains("None", StringComparer.Ordinal))
                throw Failure($"AuthMethod={authMethod}: this target authenticates with AuthMethod None only");
            answers.Add(new("AuthMethod", "None"));
        }
        return LoginState.Authenticated;
    }

    /// <summary>
    /// The responder picks the first offered value it may use (RFC 7143 6.2.1); on a target that
    /// requires CHAP that is CHAP whatever the order, and None alone is refused.
    /// </summary>
    private static void ChooseChap(string? authMethod, List<KeyValuePair<string, string>> answers)
    {
        if (authMethod is null) throw Failure("this target requires CHAP and the initiator offered no AuthMethod");
        if (!authMethod.Split(',').Contains("CHAP", StringComparer.Ordinal))
            throw Failure($"this target requires CHAP and the initiator offered AuthMethod={authMethod}");
        answers.Add(new("AuthMethod", "CHAP"));
    }

    private static LoginRefusedException Failure(string reason) => new(LoginStatus.AuthenticationFailure, reason);

    internal static string? Value(List<KeyValuePair<string, string>> keys, string key)
    {
        foreach (var pair in keys)
        {
            if (pair.Key == key) return pair.Value;
        }
        return null;
    }
}
