using VScsi.Engine.Transport.Iscsi;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginPortal;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginScript;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>
/// Every edge of the target login state machine (RFC 7143 6.3, 11.12, 12.1.3): from each point of
/// the security stage (nothing yet, AuthMethod agreed, challenge sent, CHAP answered; or AuthMethod
/// None agreed on an open target) a request with every CSG, NSG, T and C, and the answer the RFC
/// prescribes for it.
/// </summary>
public sealed class TargetLoginTransitionTests : IAsyncLifetime
{
    private LoginPortal _portal = null!;

    public Task InitializeAsync()
    {
        _portal = LoginPortal.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>How far the login got before the request under test.</summary>
    public enum Point
    {
        Nothing,
        NoneAgreed,
        ChapAgreed,
        ChapChallenged,
        ChapAnswered,
    }

    public enum Expected
    {
        InitiatorError,
        AuthenticationFailure,
        Continue,
        Stay,
        ToOperational,
        FullFeature,
    }

    public static IEnumerable<object[]> Edges()
    {
        foreach (var point in Enum.GetValues<Point>())
        {
            foreach (var chap in new[] { false, true })
            {
                if (point == Point.NoneAgreed && chap || point >= Point.ChapAgreed && !chap) continue;
                for (var csg = 0; csg < 4; csg++)
                for (var nsg = 0; nsg < 4; nsg++)
                foreach (var transit in new[] { false, true })
                foreach (var more in new[] { false, true })
                    yield return [chap, point, csg, nsg, transit, more, Expect(chap, point, csg, nsg, transit, more)];
            }
        }
    }

    /// <summary>The RFC's answer to a request without security keys at a point of the login.</summary>
    private static Expected Expect(bool chap, Point point, int csg, int nsg, bool transit, bool more)
    {
        if (transit && more) return Expected.InitiatorError;                         // 11.12.2
        if (csg is 2 or 3) return Expected.InitiatorError;                           // not a login stage
        if (transit && (nsg == 2 || nsg <= csg)) return Expected.InitiatorError;     // no such transit
        var authenticated = !chap || point == Point.ChapAnswered;
        if (point != Point.Nothing && csg == 1)                                      // the login is in the security stage
            return authenticated ? Expected.InitiatorError : Expected.AuthenticationFailure;
        if (more) return Expected.Continue;
        if (!authenticated) return Expected.AuthenticationFailure;                   // no CHAP step taken
        if (!transit) return Expected.Stay;
        return nsg == 3 ? Expected.FullFeature : Expected.ToOperational;
    }

    private static LoginStep[] Prefix(string target, Point point) => point switch
    {
        Point.Nothing => [],
        Point.NoneAgreed => [new(Security(), Identity(target, ("AuthMethod", "None")))],
        Point.ChapAgreed => [new(Security(), Identity(target, ("AuthMethod", "CHAP")))],
        Point.ChapChallenged => [.. Prefix(target, Point.ChapAgreed), new(Security(), ("CHAP_A", "5"))],
        _ => [.. Prefix(target, Point.ChapChallenged), new(Security(), w => ChapAnswer(w))],
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task LoginRequest_AtEachPointWithEachStageAndFlag_IsAnsweredAsTheRfcSays(
        bool chap, Point point, int csg, int nsg, bool transit, bool more, Expected expected)
    {
        var target = chap ? ChapTarget : OpenTarget;
        await using var wire = await _portal.OpenAsync();
        var before = await LoginScript.RunAsync(wire, Prefix(target, point));
        if (before is not null)
        {
            Assert.Equal(LoginStatus.Success, LoginWire.StatusOf(before));
            Assert.Equal(0, before.Flags & 0x80);                                     // still in the security stage
        }

        var keys = point == Point.Nothing ? Identity(target) : [];
        var answer = await wire.ExchangeAsync(LoginWire.Flags(csg, nsg, transit, more), keys);

        Assert.NotNull(answer);
        Assert.Equal(Opcode.LoginResponse, answer.Opcode);
        switch (expected)
        {
            case Expected.InitiatorError or Expected.AuthenticationFailure:
                Assert.Equal(expected == Expected.InitiatorError ? LoginStatus.InitiatorError : LoginStatus.AuthenticationFailure, LoginWire.StatusOf(answer));
                Assert.Null(await wire.ReceiveAsync());                              // closed
                Assert.Equal(0, _portal.SessionsOn(target));
                break;
            case Expected.Continue:
                Assert.Equal(LoginStatus.Success, LoginWire.StatusOf(answer));
                Assert.Equal(csg << 2, answer.Flags);                                 // T=0, C=0, the same stage
                Assert.Equal(0, answer.DataLength);
                break;
            case Expected.Stay:
                Assert.Equal(LoginStatus.Success, LoginWire.StatusOf(answer));
                Assert.Equal(csg << 2, answer.Flags & 0x8F);
                Assert.Equal(0, _portal.SessionsOn(target));
                break;
            case Expected.ToOperational:
                Assert.Equal(LoginStatus.Success, LoginWire.StatusOf(answer));
                Assert.Equal(0x80 | (csg << 2) | 1, answer.Flags & 0x8F);
                Assert.Equal(0, _portal.SessionsOn(target));
                break;
            case Expected.FullFeature:
                Assert.True(LoginWire.IsFullFeature(answer));
                Assert.NotEqual(0, answer.U16(14));                                   // TSIH
                Assert.True(await wire.ReadIsAnsweredAsync());
                Assert.Equal(1, _portal.SessionsOn(target));
                break;
        }
    }
}
