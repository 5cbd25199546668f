using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace VScsi.Engine.Transport.Iscsi.Login;

/// <summary>
/// The target side of the login phase of one connection (RFC 7143 6.3, 11.12, 11.13, 12), as an
/// explicit state machine over an <see cref="ILoginContext"/>. Each Login Request is screened
/// (opcode, version, the fields that must not change, flags, stage), its text gathered across
/// continuations (within <see cref="LoginLimits"/>), then the complete request takes the login
/// along one edge of <see cref="LoginState"/>. When the target requires CHAP, nothing leaves the
/// security stage before a valid CHAP_N/CHAP_R (and for mutual CHAP the target's answer) has
/// been exchanged: an operational-stage request or a transit before that is an authentication
/// failure (0201). Every refusal is a Login Response with its status and a log line; the login
/// ends admitted to full feature phase, refused, or abandoned by the initiator.
/// </summary>
internal sealed class TargetLogin(ILoginContext context)
{
    /// <summary>Keys that name the nexus or the target; answered on the leading request, never negotiated.</summary>
    private static readonly HashSet<string> Declarations = new(StringComparer.Ordinal)
    {
        "InitiatorName", "InitiatorAlias", "TargetName", "SessionType", "TargetAlias", "TargetPortalGroupTag",
    };

    private const byte TransitBit = 0x80;
    private const int CsgShift = 2;
    private const int TsihOffset = 14;
    private const int StatSnOffset = 24;
    private const int ExpCmdSnOffset = 28;
    private const int MaxCmdSnOffset = 32;
    private const int StatusClassOffset = 36;
    private const int StatusDetailOffset = 37;

    private readonly KeyLedger _ledger = new();
    private readonly SessionParameters _parameters = new();
    private readonly ArrayBufferWriter<byte> _pending = new();
    private LoginRequestHeader _first;
    private bool _started;
    private int _pdus;
    private int? _continuedStage;
    private uint _statSn;
    private bool _declaredSegment;
    private SecurityNegotiation? _security;
    private string? _initiator;
    private string? _target;
    private bool _discovery;
    private IscsiTargetEntry? _entry;

    public LoginState State { get; private set; } = LoginState.Start;

    /// <summary>Runs the login to its end: admitted, refused (the response sent) or abandoned.</summary>
    public async Task<LoginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pdu = await context.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (pdu is null) return new LoginOutcome.Abandoned();
            using (pdu)
            {
                if (await StepAsync(pdu, cancellationToken).ConfigureAwait(false) is { } outcome) return outcome;
            }
        }
    }

    private async Task<LoginOutcome?> StepAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        var request = new LoginRequestHeader(pdu);
        if (!_started)
        {
            (_first, _started, _statSn) = (request, true, request.ExpStatSn);
        }
        try
        {
            Screen(request);
            if (!Gather(request, pdu.Data))
            {
                await RespondAsync(request, (byte)(request.CurrentStage << CsgShift), [], cancellationToken).ConfigureAwait(false);
                return null;
            }
            var keys = _ledger.Admit(TakeText());
            var answers = new List<KeyValuePair<string, string>>();
            if (State == LoginState.Start) Identify(request, keys, answers);
            State = request.CurrentStage == LoginStage.Security
                ? _security!.Advance(State, keys, answers)
                : LoginState.OperationalNegotiation;
            Negotiate(request.CurrentStage, keys, answers);
            return await TransitAsync(request, answers, cancellationToken).ConfigureAwait(false);
        }
        catch (LoginRefusedException refused)
        {
            return await RefuseAsync(request, refused, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The checks on the header of every Login Request, before its text is looked at.</summary>
    private void Screen(in LoginRequestHeader request)
    {
        if (request.Opcode != Opcode.LoginRequest)
            throw new LoginRefusedException(LoginStatus.InvalidDuringLogin, $"PDU 0x{request.Opcode:x2} before the login completed");
        if (++_pdus > LoginLimits.MaxPdus)
            throw new LoginRefusedException(LoginStatus.OutOfResources, $"more than {LoginLimits.MaxPdus} login requests");
        if (request.VersionMin > 0)
            throw new LoginRefusedException(LoginStatus.UnsupportedVersion, $"Version-min {request.VersionMin}; only version 0 is spoken");
        if (!request.SameLoginAs(_first))
            throw new LoginRefusedException(LoginStatus.InitiatorError, "ISID, TSIH, ITT, CID or version changed within the login (RFC 7143 11.12)");
        if (request.Transit && request.Continue)
            throw new LoginRefusedException(LoginStatus.InitiatorError, "T and C both set (RFC 7143 11.12.2)");
        var csg = request.CurrentStage;
        if (csg is not (LoginStage.Security or LoginStage.Operational))
            throw new LoginRefusedException(LoginStatus.InitiatorError, $"CSG {csg} is not a login stage");
        if (request.Transit && (request.NextStage == LoginStage.Reserved || request.NextStage <= csg))
            throw new LoginRefusedException(LoginStatus.InitiatorError, $"no transit from stage {csg} to stage {request.NextStage}");
        if (_continuedStage is { } continued && continued != csg)
            throw new LoginRefusedException(LoginStatus.InitiatorError, $"CSG changed from {continued} to {csg} within continued text");
        if (State != LoginState.Start) CheckStage(csg);
    }

    /// <summary>A request must be in the stage the login is in; on a CHAP target an early operational request is an authentication failure.</summary>
    private void CheckStage(int csg)
    {
        var expected = State == LoginState.OperationalNegotiation ? LoginStage.Operational : LoginStage.Security;
        if (csg == expected) return;
        if (csg == LoginStage.Operational && _security!.RequiresChap && State != LoginState.Authenticated)
            throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "an operational-stage request before the CHAP exchange completed");
        throw new LoginRefusedException(LoginStatus.InitiatorError, $"CSG {csg} while the login is in stage {expected}");
    }

    /// <summary>Adds the data segment to the text of the request; false while the text continues (C=1).</summary>
    private bool Gather(in LoginRequestHeader request, ReadOnlySpan<byte> data)
    {
        if (_pending.WrittenCount + data.Length > LoginLimits.MaxPendingText)
            throw new LoginRefusedException(LoginStatus.OutOfResources, $"login text over {LoginLimits.MaxPendingText} bytes");
        _pending.Write(data);
        _continuedStage = request.Continue ? request.CurrentStage : null;
        return !request.Continue;
    }

    private List<KeyValuePair<string, string>> TakeText()
    {
        try
        {
            return TextKeys.Parse(_pending.WrittenSpan);
        }
        catch (IscsiProtocolException e)
        {
            throw new LoginRefusedException(LoginStatus.InitiatorError, e.Message);
        }
        finally
        {
            _pending.Clear();
        }
    }

    /// <summary>The leading request names the initiator, the session type and the target; the access list is checked here.</summary>
    private void Identify(in LoginRequestHeader request, List<KeyValuePair<string, string>> keys, List<KeyValuePair<string, string>> answers)
    {
        _initiator = SecurityNegotiation.Value(keys, "InitiatorName") ?? throw new LoginRefusedException(LoginStatus.MissingParameter, "no InitiatorName");
        var type = SecurityNegotiation.Value(keys, "SessionType") ?? "Normal";
        if (type is not ("Normal" or "Discovery")) throw new LoginRefusedException(LoginStatus.SessionTypeNotSupported, $"session type {type}");
        _discovery = type == "Discovery";
        if (!_discovery)
        {
            _target = SecurityNegotiation.Value(keys, "TargetName") ?? throw new LoginRefusedException(LoginStatus.MissingParameter, "no TargetName");
            var entry = context.FindTarget(_target) ?? throw (context.WasServed(_target)
                ? new LoginRefusedException(LoginStatus.ServiceUnavailable, "the partition of this target is not serving")
                : new LoginRefusedException(LoginStatus.NotFound, "no such target on this portal"));
            if (!entry.Allows(_initiator))
                throw new LoginRefusedException(LoginStatus.AuthorizationFailure, $"initiator {_initiator} is not on the access list");
            _entry = entry;
            answers.Add(new("TargetPortalGroupTag", "1"));
            if (entry.Alias is { } alias) answers.Add(new("TargetAlias", alias));
        }
        _security = new SecurityNegotiation(_entry?.Chap is { } chap ? new ChapExchange(chap, _entry.MutualChap) : null);
        if (request.CurrentStage == LoginStage.Operational && _security.RequiresChap)
            throw new LoginRefusedException(LoginStatus.AuthenticationFailure, "the login began in the operational stage, but this target requires CHAP");
    }

    /// <summary>Answers the operational keys of a request; security keys outside the security stage are an initiator error.</summary>
    private void Negotiate(int stage, List<KeyValuePair<string, string>> keys, List<KeyValuePair<string, string>> answers)
    {
        foreach (var (key, value) in keys)
        {
            if (Declarations.Contains(key)) continue;
            if (SecurityNegotiation.Keys.Contains(key))
            {
                if (stage != LoginStage.Security) throw new LoginRefusedException(LoginStatus.InitiatorError, $"{key} outside the security stage");
                continue;
            }
            if (_parameters.Answer(key, value) is { } answer)
            {
                answers.Add(new(key, answer));
                if (key == "MaxRecvDataSegmentLength") _declaredSegment = true;
            }
            else answers.Add(new(key, "NotUnderstood"));
        }
    }

    /// <summary>Answers a complete request: staying in the stage, moving to the operational stage, or admitting the session.</summary>
    private async Task<LoginOutcome?> TransitAsync(LoginRequestHeader request, List<KeyValuePair<string, string>> answers, CancellationToken cancellationToken)
    {
        var stage = request.CurrentStage;
        var mayLeave = stage == LoginStage.Operational || State == LoginState.Authenticated;
        if (!request.Transit || !mayLeave)
        {
            await RespondAsync(request, (byte)(stage << CsgShift), answers, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (request.NextStage == LoginStage.FullFeature) return await AdmitAsync(request, answers, cancellationToken).ConfigureAwait(false);
        State = LoginState.OperationalNegotiation;
        await RespondAsync(request, (byte)(TransitBit | (stage << CsgShift) | LoginStage.Operational), answers, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<LoginOutcome> AdmitAsync(LoginRequestHeader request, List<KeyValuePair<string, string>> answers, CancellationToken cancellationToken)
    {
        if (!_declaredSegment)
        {
            answers.Add(new("MaxRecvDataSegmentLength", SessionParameters.Offer.MaxRecvDataSegmentLength.ToString(CultureInfo.InvariantCulture)));
            _parameters.TargetMaxRecvDataSegmentLength = SessionParameters.Offer.MaxRecvDataSegmentLength;
            _declaredSegment = true;
        }
        var data = Encode(answers);
        var session = context.Admit(_initiator!, _first.Isid, _first.Tsih, _discovery ? null : _entry, _parameters, _first.CmdSn);
        _parameters.Settle();
        var response = NewResponse(request, (byte)(TransitBit | (request.CurrentStage << CsgShift) | LoginStage.FullFeature));
        response.U16(TsihOffset, session.Tsih);
        var (exp, max) = session.Window();
        State = LoginState.FullFeature;
        await SendAsync(response, data, exp, max, cancellationToken).ConfigureAwait(false);
        return new LoginOutcome.Admitted(session, _discovery ? null : _entry, _parameters);
    }

    private async Task<LoginOutcome> RefuseAsync(LoginRequestHeader request, LoginRefusedException refused, CancellationToken cancellationToken)
    {
        State = LoginState.Refused;
        var target = _target ?? (_discovery ? "(discovery)" : "(no target named yet)");
        context.Log($"login from {_initiator ?? context.Peer} to {target} refused: {LoginStatus.Describe(refused.Status)} ({refused.Message})");
        var stage = request.CurrentStage is LoginStage.Security or LoginStage.Operational ? request.CurrentStage : 0;
        var response = NewResponse(request, (byte)(stage << CsgShift));
        response.Header[StatusClassOffset] = (byte)(refused.Status >> 8);
        response.Header[StatusDetailOffset] = (byte)refused.Status;
        await SendAsync(response, default, _first.CmdSn, _first.CmdSn, cancellationToken).ConfigureAwait(false);
        return new LoginOutcome.Refused(refused.Status, refused.Message);
    }

    private Task RespondAsync(in LoginRequestHeader request, byte flags, List<KeyValuePair<string, string>> answers, CancellationToken cancellationToken) =>
        SendAsync(NewResponse(request, flags), Encode(answers), _first.CmdSn, _first.CmdSn, cancellationToken);

    /// <summary>The text of a response; one that would not fit the initiator's login PDU size is refused instead.</summary>
    private static byte[] Encode(List<KeyValuePair<string, string>> answers)
    {
        var data = TextKeys.Encode(answers);
        if (data.Length > LoginLimits.MaxAnswerText)
            throw new LoginRefusedException(LoginStatus.OutOfResources, $"the answer to the login request would be over {LoginLimits.MaxAnswerText} bytes");
        return data;
    }

    /// <summary>A Login Response (RFC 7143 11.13) echoing the request's ITT, ISID and TSIH; version-max and version-active 0.</summary>
    private static Pdu NewResponse(in LoginRequestHeader request, byte flags)
    {
        var response = new Pdu(Opcode.LoginResponse) { Flags = flags, Itt = request.Itt };
        BinaryPrimitives.WriteUInt64BigEndian(response.Header.AsSpan(8), (request.Isid << 16) | request.Tsih);
        return response;
    }

    private async Task SendAsync(Pdu response, ReadOnlyMemory<byte> data, uint expCmdSn, uint maxCmdSn, CancellationToken cancellationToken)
    {
        response.U32(StatSnOffset, _statSn++);
        response.U32(ExpCmdSnOffset, expCmdSn);
        response.U32(MaxCmdSnOffset, maxCmdSn);
        await context.SendAsync(response, data, cancellationToken).ConfigureAwait(false);
    }
}
