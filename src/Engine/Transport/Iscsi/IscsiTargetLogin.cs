using System.Buffers.Binary;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// The login phase (RFC 7143 6.3, 12): security negotiation (AuthMethod None or CHAP, one-way or
/// mutual), operational negotiation, then the session is created or reinstated and the connection
/// enters the full feature phase. A refusal is a Login Response with its status class and detail.
/// </summary>
internal sealed partial class IscsiTargetConnection
{
    private sealed class LoginState
    {
        public ulong Isid;
        public ushort Tsih;
        public uint CmdSn;
        public string? InitiatorName;
        public string? TargetName;
        public bool Discovery;
        public bool Authenticated;
        public string? AuthMethod;
        public byte ChapId;
        public byte[]? ChapChallenge;
        public bool DeclaredSegment;
        public readonly SessionParameters Parameters = new();
        public readonly List<byte> Pending = [];
    }

    /// <summary>Runs the login; true when the connection is in the full feature phase.</summary>
    private async Task<bool> LoginAsync()
    {
        var state = new LoginState();
        var first = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        timeout.CancelAfter(_portal.LoginTimeout);
        await using var _ = timeout.Token.Register(Abort).ConfigureAwait(false);
        while (true)
        {
            using var pdu = await ReadAsync().ConfigureAwait(false);
            if (pdu is null) return false;
            if (pdu.Opcode != Opcode.LoginRequest)
                throw new IscsiProtocolException($"PDU {pdu.Opcode:x2} before the login completed.");
            var csg = (pdu.Flags >> 2) & 3;
            var nsg = pdu.Flags & 3;
            var transit = (pdu.Flags & 0x80) != 0;
            var more = (pdu.Flags & 0x40) != 0;
            if (first)
            {
                _statSn = pdu.U32(28);
                state.Isid = BinaryPrimitives.ReadUInt64BigEndian(pdu.Header.AsSpan(8)) >> 16;
                state.Tsih = pdu.U16(14);
                state.CmdSn = pdu.U32(24);
            }
            var response = new Pdu(Opcode.LoginResponse) { Itt = pdu.Itt };
            pdu.Header.AsSpan(8, 6).CopyTo(response.Header.AsSpan(8));
            try
            {
                if (pdu.Header[3] > 0) throw new LoginRefusedException(LoginStatus.UnsupportedVersion, "only version 0 is spoken");
                if (transit && more) throw new LoginRefusedException(LoginStatus.InitiatorError, "T and C both set");
                state.Pending.AddRange(pdu.Data.ToArray());
                if (more)
                {
                    response.Flags = (byte)(csg << 2);
                    await SendLoginAsync(response, state, []).ConfigureAwait(false);
                    first = false;
                    continue;
                }
                var keys = TextKeys.Parse(state.Pending.ToArray());
                state.Pending.Clear();
                var answers = new List<KeyValuePair<string, string>>();
                if (first) Identify(state, keys, answers);
                if (csg == Stage_Security) Authenticate(state, keys, answers);
                else if (csg == Stage_Operational)
                {
                    if (state.AuthMethod is null && RequiresChap(state))
                        throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "this target requires CHAP");
                    state.Authenticated = true;
                    Negotiate(state, keys, answers);
                }
                else throw new LoginRefusedException(LoginStatus.InitiatorError, $"login stage {csg} is not valid");

                var next = csg;
                if (transit)
                {
                    if (csg == Stage_Security && !state.Authenticated)
                        transit = false;                          // the CHAP exchange is still going
                    else if (nsg <= csg || nsg == 2) throw new LoginRefusedException(LoginStatus.InitiatorError, $"no transit from stage {csg} to {nsg}");
                    else next = nsg;
                }
                if (transit && next == Stage_FullFeature && !state.DeclaredSegment)
                {
                    answers.Add(new("MaxRecvDataSegmentLength", SessionParameters.Offer.MaxRecvDataSegmentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    state.Parameters.TargetMaxRecvDataSegmentLength = SessionParameters.Offer.MaxRecvDataSegmentLength;
                    state.DeclaredSegment = true;
                }
                response.Flags = (byte)((transit ? 0x80 : 0) | (csg << 2) | (transit ? next : 0));
                if (transit && next == Stage_FullFeature)
                {
                    var session = _portal.Admit(this, state.InitiatorName!, state.Isid, state.Tsih, state.Discovery ? null : Entry, state.Parameters, state.CmdSn);
                    Session = session;
                    session.RemoteEndPoint = _socket.RemoteEndPoint?.ToString();
                    response.U16(14, session.Tsih);
                    state.Parameters.Settle();
                    await SendLoginAsync(response, state, answers).ConfigureAwait(false);
                    _framing.HeaderDigest = state.Parameters.HeaderDigest;
                    _framing.DataDigest = state.Parameters.DataDigest;
                    _framing.MaxReceiveSegment = state.Parameters.TargetMaxRecvDataSegmentLength;
                    return true;
                }
                await SendLoginAsync(response, state, answers).ConfigureAwait(false);
                first = false;
            }
            catch (LoginRefusedException refused)
            {
                _portal.Log($"login from {state.InitiatorName ?? _socket.RemoteEndPoint?.ToString()} to {state.TargetName ?? "(discovery)"} refused: {LoginStatus.Describe(refused.Status)} ({refused.Message})");
                response.Flags = (byte)(csg << 2);
                response.Header[36] = (byte)(refused.Status >> 8);
                response.Header[37] = (byte)refused.Status;
                await SendLoginAsync(response, state, []).ConfigureAwait(false);
                return false;
            }
        }
    }

    private Task SendLoginAsync(Pdu response, LoginState state, List<KeyValuePair<string, string>> answers)
    {
        response.U32(28, state.CmdSn);
        response.U32(32, state.CmdSn);
        return SendAsync(response, TextKeys.Encode(answers), status: true);
    }

    /// <summary>The leading login PDU names the initiator, the session type and the target; the access list is checked here.</summary>
    private void Identify(LoginState state, List<KeyValuePair<string, string>> keys, List<KeyValuePair<string, string>> answers)
    {
        state.InitiatorName = Value(keys, "InitiatorName") ?? throw new LoginRefusedException(LoginStatus.MissingParameter, "no InitiatorName");
        var type = Value(keys, "SessionType") ?? "Normal";
        if (type is not ("Normal" or "Discovery")) throw new LoginRefusedException(LoginStatus.SessionTypeNotSupported, $"session type {type}");
        state.Discovery = type == "Discovery";
        if (state.Discovery) return;
        state.TargetName = Value(keys, "TargetName") ?? throw new LoginRefusedException(LoginStatus.MissingParameter, "no TargetName");
        var entry = _portal.Find(state.TargetName);
        if (entry is null)
        {
            throw _portal.WasServed(state.TargetName)
                ? new LoginRefusedException(LoginStatus.ServiceUnavailable, "the partition of this target is not serving")
                : new LoginRefusedException(LoginStatus.NotFound, "no such target on this portal");
        }
        if (!entry.Allows(state.InitiatorName))
            throw new LoginRefusedException(LoginStatus.AuthorizationFailure, $"initiator {state.InitiatorName} is not on the access list");
        Entry = entry;
        answers.Add(new("TargetPortalGroupTag", "1"));
        if (entry.Alias is { } alias) answers.Add(new("TargetAlias", alias));
    }

    private bool RequiresChap(LoginState state) => !state.Discovery && Entry?.Chap is not null;

    private static readonly HashSet<string> Declarations = new(StringComparer.Ordinal)
    {
        "InitiatorName", "InitiatorAlias", "TargetName", "SessionType", "TargetAlias", "TargetPortalGroupTag",
    };

    /// <summary>Security negotiation: AuthMethod, then CHAP_A, then CHAP_N/CHAP_R (and CHAP_I/CHAP_C when mutual).</summary>
    private void Authenticate(LoginState state, List<KeyValuePair<string, string>> keys, List<KeyValuePair<string, string>> answers)
    {
        var chap = RequiresChap(state);
        foreach (var (key, value) in keys)
        {
            switch (key)
            {
                case "AuthMethod":
                {
                    var offered = value.Split(',');
                    var choice = chap ? offered.FirstOrDefault(o => o == "CHAP") : offered.FirstOrDefault(o => o == "None");
                    if (choice is null)
                    {
                        throw new LoginRefusedException(LoginStatus.AuthenticationFailure,
                            chap ? "this target requires CHAP and the initiator did not offer it" : "this target authenticates with AuthMethod None only");
                    }
                    state.AuthMethod = choice;
                    state.Authenticated = choice == "None";
                    answers.Add(new(key, choice));
                    break;
                }
                case "CHAP_A":
                    if (state.AuthMethod != "CHAP") throw new LoginRefusedException(LoginStatus.InitiatorError, "CHAP_A without AuthMethod=CHAP");
                    if (!value.Split(',').Contains(Chap.Md5)) throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "only CHAP with MD5 (5) is supported");
                    state.ChapId = (byte)Random.Shared.Next(256);
                    state.ChapChallenge = Chap.NewChallenge();
                    answers.Add(new("CHAP_A", Chap.Md5));
                    answers.Add(new("CHAP_I", state.ChapId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    answers.Add(new("CHAP_C", Chap.Encode(state.ChapChallenge)));
                    break;
                case "CHAP_N" or "CHAP_R" or "CHAP_I" or "CHAP_C":
                    break;   // checked together below
                default:
                    if (Declarations.Contains(key)) break;
                    if (state.Parameters.Answer(key, value) is { } answer) answers.Add(new(key, answer));
                    else answers.Add(new(key, "NotUnderstood"));
                    break;
            }
        }
        if (Value(keys, "CHAP_R") is { } response) VerifyChap(state, keys, response, answers);
        else if (state.AuthMethod is null && chap)
            throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "this target requires CHAP");
        else if (state.AuthMethod is null)
            state.Authenticated = true;   // no AuthMethod offered: None by default
    }

    private void VerifyChap(LoginState state, List<KeyValuePair<string, string>> keys, string response, List<KeyValuePair<string, string>> answers)
    {
        var secret = Entry?.Chap;
        if (state.ChapChallenge is null || secret is null) throw new LoginRefusedException(LoginStatus.InitiatorError, "CHAP_R before a challenge");
        var name = Value(keys, "CHAP_N");
        var given = Chap.Decode(response);
        var expected = Chap.Response(state.ChapId, secret.Secret, state.ChapChallenge);
        if (name != secret.User || given is null || !Chap.Matches(expected, given))
            throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "wrong CHAP name or response");
        var mutualId = Value(keys, "CHAP_I");
        var mutualChallenge = Value(keys, "CHAP_C") is { } c ? Chap.Decode(c) : null;
        if (Entry!.MutualChap is { } mutual)
        {
            if (mutualId is null || mutualChallenge is null || !byte.TryParse(mutualId, out var id))
                throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "this target requires mutual CHAP");
            if (mutualChallenge.AsSpan().SequenceEqual(state.ChapChallenge))
                throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "the initiator reflected the target's challenge");
            answers.Add(new("CHAP_N", mutual.User));
            answers.Add(new("CHAP_R", Chap.Encode(Chap.Response(id, mutual.Secret, mutualChallenge))));
        }
        else if (mutualId is not null)
        {
            throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "mutual CHAP asked for, but this target has no mutual secret");
        }
        state.Authenticated = true;
    }

    private static void Negotiate(LoginState state, List<KeyValuePair<string, string>> keys, List<KeyValuePair<string, string>> answers)
    {
        foreach (var (key, value) in keys)
        {
            if (Declarations.Contains(key)) continue;
            if (key.StartsWith("CHAP_", StringComparison.Ordinal) || key == "AuthMethod")
                throw new LoginRefusedException(LoginStatus.InitiatorError, $"{key} outside the security stage");
            if (state.Parameters.Answer(key, value) is { } answer)
            {
                answers.Add(new(key, answer));
                if (key == "MaxRecvDataSegmentLength") state.DeclaredSegment = true;
            }
            else answers.Add(new(key, "NotUnderstood"));
        }
    }

    private static string? Value(List<KeyValuePair<string, string>> keys, string key) =>
        keys.FirstOrDefault(k => k.Key == key) is { Key: not null } pair ? pair.Value : null;
}
