using VScsi.Engine.Transport.Iscsi;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginPortal;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginScript;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>
/// The ways an initiator tried to leave the security stage of a CHAP target without answering the
/// challenge (issue 10, defect 1; RFC 7143 12.1.3): each must end in "authentication failure"
/// (status 0201), a closed connection, no session and no READ answered.
/// </summary>
public sealed class ChapSkipTests : IAsyncLifetime
{
    private LoginPortal _portal = null!;

    public Task InitializeAsync()
    {
        _portal = LoginPortal.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static readonly (string, string)[] OperationalKeys =
        [("HeaderDigest", "None"), ("DataDigest", "None"), ("MaxRecvDataSegmentLength", "262144"), ("ImmediateData", "Yes")];

    private static LoginStep OfferChap(bool transit = false, int nsg = 1) => new(Security(transit, nsg), Identity(ChapTarget, ("AuthMethod", "CHAP")));

    private static LoginStep OfferChapTo(string target) => new(Security(), Identity(target, ("AuthMethod", "CHAP,None")));

    private static LoginStep Algorithm => new(Security(), ("CHAP_A", "5"));

    private static readonly LoginStep Operational = new(OperationalToFull, OperationalKeys);

    public static TheoryData<string> Sequences => new()
    {
        "AuthMethodChapThenOperational",
        "ChapAlgorithmThenOperational",
        "ChapNameWithoutResponseThenOperational",
        "WrongChapResponse",
        "TransitToFullFeatureAfterAuthMethod",
        "TransitToFullFeatureAfterChapAlgorithm",
        "OperationalAsTheFirstPdu",
        "MutualChapWithoutTheInitiatorsChallenge",
    };

    private static (string Target, LoginStep[] Steps) Sequence(string name) => name switch
    {
        "AuthMethodChapThenOperational" => (ChapTarget, [OfferChap(), Operational]),
        "ChapAlgorithmThenOperational" => (ChapTarget, [OfferChap(), Algorithm, Operational]),
        "ChapNameWithoutResponseThenOperational" =>
            (ChapTarget, [OfferChap(), Algorithm, new(Security(transit: true), ("CHAP_N", ChapUser)), Operational]),
        "WrongChapResponse" =>
            (ChapTarget, [OfferChap(), Algorithm, new(Security(transit: true), w => ChapAnswer(w, "not-the-secret!")), Operational]),
        "TransitToFullFeatureAfterAuthMethod" =>
            (ChapTarget, [OfferChap(transit: true, nsg: 3), new(Security(transit: true, nsg: 3), OperationalKeys), Operational]),
        "TransitToFullFeatureAfterChapAlgorithm" =>
            (ChapTarget, [OfferChap(), Algorithm, new(Security(transit: true, nsg: 3), OperationalKeys), Operational]),
        "OperationalAsTheFirstPdu" => (ChapTarget, [new(OperationalToFull, Identity(ChapTarget, OperationalKeys))]),
        "MutualChapWithoutTheInitiatorsChallenge" =>
            (MutualTarget, [OfferChapTo(MutualTarget), Algorithm, new(Security(transit: true), w => ChapAnswer(w)), Operational]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public async Task Login_SkippingTheChapExchange_IsAuthenticationFailureAndClosesTheConnection(string sequence)
    {
        var (target, steps) = Sequence(sequence);
        await using var wire = await _portal.OpenAsync();

        var last = await LoginScript.RunAsync(wire, steps);

        Assert.NotNull(last);
        Assert.False(LoginWire.IsFullFeature(last), "the initiator reached full feature phase");
        Assert.Equal(LoginStatus.AuthenticationFailure, LoginWire.StatusOf(last));
        Assert.False(await wire.ReadIsAnsweredAsync(), "a READ was answered");
        Assert.Equal(0, _portal.SessionsOn(target));
        Assert.Contains(_portal.Log, line => line.Contains("authentication failure", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ChapTarget, false)]
    [InlineData(MutualTarget, true)]
    public async Task Login_WithTheCompleteChapExchange_ReachesFullFeatureAndReads(string target, bool mutual)
    {
        await using var wire = await _portal.OpenAsync();
        var challenge = Chap.NewChallenge();
        var answer = new LoginStep(Security(transit: true), w => mutual
            ? [.. ChapAnswer(w), ("CHAP_I", "9"), ("CHAP_C", Chap.Encode(challenge))]
            : ChapAnswer(w));

        var secured = await LoginScript.RunAsync(wire, [OfferChapTo(target), Algorithm, answer]);
        Assert.NotNull(secured);
        Assert.Equal(LoginStatus.Success, LoginWire.StatusOf(secured));
        Assert.Equal(0x80 | 1, secured.Flags & 0x83);                         // T=1, NSG=1: security is done
        if (mutual)
        {
            var back = LoginWire.Answers(secured);
            Assert.Equal(MutualUser, back["CHAP_N"]);
            Assert.Equal(Chap.Encode(Chap.Response(9, MutualSecretText, challenge)), back["CHAP_R"]);
        }
        var full = await wire.ExchangeAsync(OperationalToFull, OperationalKeys);
        Assert.NotNull(full);
        Assert.True(LoginWire.IsFullFeature(full));
        Assert.True(await wire.ReadIsAnsweredAsync());
        Assert.Equal(1, _portal.SessionsOn(target));
    }
}
