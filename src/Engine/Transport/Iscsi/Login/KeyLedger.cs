namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// Every key the initiator has sent in this login. RFC 7143 6.2 (and 6.1): neither side may
/// declare or negotiate a key more than once during login; a target that sees it happen answers
/// with a Login reject, "initiator error" (0200). The declarations that name the nexus may be
/// repeated with the same value: libiscsi sends InitiatorName, TargetName and SessionType again
/// when it enters the operational stage, which is harmless when nothing changes.
/// </summary>
internal sealed class KeyLedger
{
    private static readonly HashSet<string> Repeatable = new(StringComparer.Ordinal)
    {
        "InitiatorName", "InitiatorAlias", "TargetName", "SessionType",
    };

    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary>The keys of one request that are new to this login; throws on a key sent before.</summary>
    public List<KeyValuePair<string, string>> Admit(List<KeyValuePair<string, string>> keys)
    {
        var fresh = new List<KeyValuePair<string, string>>(keys.Count);
        foreach (var (key, value) in keys)
        {
            if (_seen.TryGetValue(key, out var before))
            {
                if (Repeatable.Contains(key) && string.Equals(before, value, StringComparison.Ordinal)) continue;
                throw new LoginRefusedException(LoginStatus.InitiatorError, $"{key} sent twice in one login (RFC 7143 6.2)");
            }
            _seen[key] = value;
            fresh.Add(new(key, value));
        }
        return fresh;
    }
}
