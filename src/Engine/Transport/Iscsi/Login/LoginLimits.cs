namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// Caps that bound what an initiator can make the target hold or do before it is authenticated;
/// the login timeout of the portal bounds the time.
/// </summary>
internal static class LoginLimits
{
    /// <summary>
    /// Login Requests per login, continuation PDUs included. LIO refuses after 7 exchanges
    /// (MAX_LOGIN_PDUS in iscsi_target_nego.c); a CHAP login needs 4 (RFC 7143 12.1.3: offer,
    /// algorithm, answer, operational), so 16 leaves room for text continued over several PDUs.
    /// Beyond it: "out of resources" (0302), as LIO answers.
    /// </summary>
    public const int MaxPdus = 16;

    /// <summary>
    /// The text of one request continued over C=1 PDUs (RFC 7143 6.1, a logical text data
    /// segment). Each PDU is bounded by MaxRecvDataSegmentLength (8192 during login, RFC 7143
    /// 13.12); the whole by this. Beyond it: "out of resources" (0302).
    /// </summary>
    public const int MaxPendingText = 64 * 1024;

    /// <summary>
    /// The text of one Login Response: the initiator's MaxRecvDataSegmentLength while logging in
    /// (RFC 7143 13.12 default); the target does not continue its answers over several PDUs.
    /// </summary>
    public const int MaxAnswerText = 8192;

    /// <summary>The largest mutual CHAP challenge accepted from an initiator, in bytes (LIO's bound).</summary>
    public const int MaxChapChallenge = 1024;
}
