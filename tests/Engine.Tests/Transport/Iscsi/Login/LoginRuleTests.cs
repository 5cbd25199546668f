using VScsi.Engine.Transport.Iscsi;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginPortal;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginScript;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>
/// The key and header rules of a login (RFC 7143 6.1, 6.2, 11.12, 12.1.3): which keys belong to
/// which stage, keys sent twice, the CHAP keys out of order, and the header fields that must stay
/// the same within a login. Each refusal closes the connection and admits nothing.
/// </summary>
public sealed class LoginRuleTests : IAsyncLifetime
{
    private LoginPortal _portal = null!;

    public Task InitializeAsync()
    {
        _portal = LoginPortal.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static readonly LoginStep OfferChap = new(Security(), Identity(ChapTarget, ("AuthMethod", "CHAP")));
    private static readonly LoginStep Algorithm = new(Security(), ("CHAP_A", "5"));

    private async Task AssertRefusedAsync(IEnumerable<LoginStep> steps, ushort status, string target = ChapTarget)
    {
        await using var wire = await _portal.OpenAsync();
        var last = await LoginScript.RunAsync(wire, steps);
        Assert.NotNull(last);
        Assert.Equal(status, LoginWire.StatusOf(last));
        Assert.Null(await wire.ReceiveAsync());
        Assert.Equal(0, _portal.SessionsOn(target));
    }

    [Theory]
    [InlineData("None")]
    [InlineData("SRP,None")]
    [InlineData("KRB5")]
    public async Task AuthMethod_WithoutChapOnAChapTarget_IsAuthenticationFailure(string offer) =>
        await AssertRefusedAsync([new(Security(transit: true), Identity(ChapTarget, ("AuthMethod", offer)))], LoginStatus.AuthenticationFailure);

    [Fact]
    public async Task AuthMethod_NoneOfferedBeforeChapOnAChapTarget_ChoosesChap()
    {
        await using var wire = await _portal.OpenAsync();
        var answer = await wire.ExchangeAsync(Security(transit: true), Identity(ChapTarget, ("AuthMethod", "None,CHAP")));
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.Success, LoginWire.StatusOf(answer));
        Assert.Equal("CHAP", LoginWire.Answers(answer)["AuthMethod"]);
        Assert.Equal(0, answer.Flags & 0x80);                                         // no transit before the exchange
    }

    [Theory]
    [InlineData("CHAP")]
    [InlineData("SRP,KRB5")]
    public async Task AuthMethod_WithoutNoneOnAnOpenTarget_IsAuthenticationFailure(string offer) =>
        await AssertRefusedAsync([new(Security(transit: true), Identity(OpenTarget, ("AuthMethod", offer)))], LoginStatus.AuthenticationFailure, OpenTarget);

    public static TheoryData<string, string> ChapOutOfOrder => new()
    {
        { "CHAP_A with the offer, CHAP_R too", "offer+answer" },
        { "CHAP_N and CHAP_R before CHAP_A", "answer-before-algorithm" },
        { "CHAP_A without MD5", "algorithm-7" },
        { "CHAP_R without CHAP_N", "response-only" },
        { "the right response under another name", "wrong-name" },
        { "CHAP_I and CHAP_C on a one-way target", "mutual-on-one-way" },
    };

    [Theory]
    [MemberData(nameof(ChapOutOfOrder))]
    public async Task ChapKeys_OutOfOrderOrWrong_AreAuthenticationFailure(string what, string sequence)
    {
        Assert.NotEmpty(what);
        LoginStep[] steps = sequence switch
        {
            "offer+answer" => [new(Security(), Identity(ChapTarget, ("AuthMethod", "CHAP"), ("CHAP_A", "5"), ("CHAP_N", ChapUser), ("CHAP_R", "0x00")))],
            "answer-before-algorithm" => [OfferChap, new(Security(transit: true), ("CHAP_N", ChapUser), ("CHAP_R", "0x00112233"))],
            "algorithm-7" => [OfferChap, new(Security(), ("CHAP_A", "7"))],
            "response-only" => [OfferChap, Algorithm, new(Security(transit: true), w => [ChapAnswer(w)[1]])],
            "wrong-name" => [OfferChap, Algorithm, new(Security(transit: true), w => [("CHAP_N", "someone"), ChapAnswer(w)[1]])],
            _ => [OfferChap, Algorithm, new(Security(transit: true), w => [.. ChapAnswer(w), ("CHAP_I", "1"), ("CHAP_C", "0x0102030405060708")])],
        };
        await AssertRefusedAsync(steps, LoginStatus.AuthenticationFailure);
    }

    public static TheoryData<string> MutualFaults => new() { "reflected", "oversized-challenge", "identifier-300", "no-challenge" };

    [Theory]
    [MemberData(nameof(MutualFaults))]
    public async Task MutualChap_WithABadInitiatorChallenge_IsAuthenticationFailure(string fault)
    {
        var offer = new LoginStep(Security(), Identity(MutualTarget, ("AuthMethod", "CHAP")));
        var answer = new LoginStep(Security(transit: true), w => fault switch
        {
            "reflected" => [.. ChapAnswer(w), ("CHAP_I", "1"), ("CHAP_C", Chap.Encode(w.Challenge!.Value.Challenge))],
            "oversized-challenge" => [.. ChapAnswer(w), ("CHAP_I", "1"), ("CHAP_C", Chap.Encode(new byte[1025]))],
            "identifier-300" => [.. ChapAnswer(w), ("CHAP_I", "300"), ("CHAP_C", Chap.Encode(Chap.NewChallenge()))],
            _ => [.. ChapAnswer(w), ("CHAP_I", "1")],
        });
        await AssertRefusedAsync([offer, Algorithm, answer], LoginStatus.AuthenticationFailure, MutualTarget);
    }

    public static TheoryData<string, string> StageKeys => new()
    {
        { "CHAP_A", "5" }, { "CHAP_N", ChapUser }, { "CHAP_R", "0x00" }, { "CHAP_I", "1" }, { "CHAP_C", "0x0102" }, { "AuthMethod", "None" },
    };

    [Theory]
    [MemberData(nameof(StageKeys))]
    public async Task SecurityKey_InTheOperationalStage_IsInitiatorError(string key, string value) =>
        await AssertRefusedAsync([new(OperationalToFull, Identity(OpenTarget, (key, value)))], LoginStatus.InitiatorError, OpenTarget);

    [Theory]
    [InlineData("CHAP_A")]
    [InlineData("CHAP_N")]
    public async Task ChapKey_OnAnOpenTargetsSecurityStage_IsInitiatorError(string key) =>
        await AssertRefusedAsync([new(Security(transit: true), Identity(OpenTarget, ("AuthMethod", "None"), (key, "5")))], LoginStatus.InitiatorError, OpenTarget);

    [Fact]
    public async Task ChapAlgorithm_SentTwice_IsInitiatorError() =>
        await AssertRefusedAsync([OfferChap, Algorithm, Algorithm], LoginStatus.InitiatorError);

    [Fact]
    public async Task ChapKey_AfterTheExchangeCompleted_IsInitiatorError() =>
        await AssertRefusedAsync([OfferChap, Algorithm, new(Security(), w => ChapAnswer(w)), new(Security(transit: true), ("CHAP_I", "3"))],
            LoginStatus.InitiatorError);

    [Theory]
    [InlineData("same request")]
    [InlineData("next request")]
    public async Task OperationalKey_SentTwice_IsInitiatorError(string where)
    {
        LoginStep[] steps = where == "same request"
            ? [new(OperationalToFull, Identity(OpenTarget, ("MaxBurstLength", "65536"), ("MaxBurstLength", "131072")))]
            : [new(LoginWire.Flags(1, 3, false), Identity(OpenTarget, ("MaxBurstLength", "65536"))), new(OperationalToFull, ("MaxBurstLength", "65536"))];
        await AssertRefusedAsync(steps, LoginStatus.InitiatorError, OpenTarget);
    }

    [Fact]
    public async Task InitiatorName_RepeatedWithAnotherValue_IsInitiatorError() =>
        await AssertRefusedAsync([OfferChap, Algorithm, new(Security(), w => ChapAnswer(w)),
            new(Security(transit: true), ("InitiatorName", "iqn.2026-11.org.vscsi:test.other"))], LoginStatus.InitiatorError);

    /// <summary>libiscsi's CHAP login: T=1 with the offer, CHAP_A with T=0, the answer with T=1, and the names again in the operational stage.</summary>
    [Fact]
    public async Task Login_AsLibiscsiDoesWithChap_RepeatedNamesAreAccepted()
    {
        await using var wire = await _portal.OpenAsync();
        var last = await LoginScript.RunAsync(wire,
        [
            new(Security(transit: true), Identity(ChapTarget, ("AuthMethod", "CHAP,None"))),
            Algorithm,
            new(Security(transit: true), w => ChapAnswer(w)),
            new(OperationalToFull, Identity(ChapTarget, ("HeaderDigest", "None,CRC32C"), ("DataDigest", "None"), ("MaxRecvDataSegmentLength", "262144"))),
        ]);
        Assert.NotNull(last);
        Assert.True(LoginWire.IsFullFeature(last));
        Assert.True(await wire.ReadIsAnsweredAsync());
    }

    [Fact]
    public async Task NonLoginPdu_DuringLogin_IsInvalidDuringLogin()
    {
        await using var wire = await _portal.OpenAsync();
        Assert.Equal(LoginStatus.Success, LoginWire.StatusOf((await wire.ExchangeAsync(OfferChap.Flags, OfferChap.Keys(wire)))!));
        await wire.SendAsync(wire.Request(0x80, Opcode.NopOut));
        var answer = await wire.ReceiveAsync();
        Assert.NotNull(answer);
        Assert.Equal(Opcode.LoginResponse, answer.Opcode);
        Assert.Equal(LoginStatus.InvalidDuringLogin, LoginWire.StatusOf(answer));
        Assert.Null(await wire.ReceiveAsync());
    }

    [Fact]
    public async Task ScsiCommand_AsTheFirstPdu_IsInvalidDuringLoginAndNeverRuns()
    {
        await using var wire = await _portal.OpenAsync();
        Assert.False(await wire.ReadIsAnsweredAsync());
        Assert.Contains(_portal.Log, line => line.Contains("invalid request during login", StringComparison.Ordinal));
    }

    public static TheoryData<string> HeaderChanges => new() { "ISID", "TSIH", "ITT", "CID", "Version-max" };

    [Theory]
    [MemberData(nameof(HeaderChanges))]
    public async Task LoginRequest_ChangingAFieldWithinTheLogin_IsInitiatorError(string field)
    {
        await using var wire = await _portal.OpenAsync();
        Assert.Equal(LoginStatus.Success, LoginWire.StatusOf((await wire.ExchangeAsync(OfferChap.Flags, OfferChap.Keys(wire)))!));
        switch (field)
        {
            case "ISID": wire.Isid ^= 1; break;
            case "TSIH": wire.Tsih = 5; break;
            case "ITT": wire.Itt++; break;
            case "CID": wire.Cid = 9; break;
            default: wire.VersionMax = 1; break;
        }
        var answer = await wire.ExchangeAsync(Algorithm.Flags, ("CHAP_A", "5"));
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.InitiatorError, LoginWire.StatusOf(answer));
        Assert.Null(await wire.ReceiveAsync());
    }

    [Fact]
    public async Task LoginRequest_WithVersionMinAboveZero_IsUnsupportedVersion()
    {
        await using var wire = await _portal.OpenAsync();
        wire.VersionMax = wire.VersionMin = 1;
        var answer = await wire.ExchangeAsync(OperationalToFull, Identity(OpenTarget));
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.UnsupportedVersion, LoginWire.StatusOf(answer));
        Assert.Equal(0, answer.Header[2]);                                            // Version-max the target speaks
    }

    [Fact]
    public async Task ContinuedText_SplitInsideAKey_IsJoinedBeforeItIsRead()
    {
        await using var wire = await _portal.OpenAsync();
        var text = LoginWire.Keys(Identity(OpenTarget, ("MaxBurstLength", "65536")));
        var cut = text.Length / 2;
        await wire.SendAsync(wire.Request(LoginWire.Flags(1, 3, transit: false, more: true)), text[..cut]);
        var ack = await wire.ReceiveAsync();
        Assert.NotNull(ack);
        Assert.Equal((LoginStatus.Success, 0), (LoginWire.StatusOf(ack), ack.DataLength));
        await wire.SendAsync(wire.Request(OperationalToFull), text[cut..]);
        var full = await wire.ReceiveAsync();
        Assert.NotNull(full);
        Assert.True(LoginWire.IsFullFeature(full));
        Assert.Equal("65536", LoginWire.Answers(full)["MaxBurstLength"]);
    }

    [Fact]
    public async Task ContinuedText_ChangingStageMidway_IsInitiatorError() =>
        await AssertRefusedAsync([new(LoginWire.Flags(0, 0, false, more: true), Identity(OpenTarget)), new(OperationalToFull)],
            LoginStatus.InitiatorError, OpenTarget);
}
