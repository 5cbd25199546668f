using System.Text;
using VScsi.Engine.Transport.Iscsi;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginPortal;
using static VScsi.Engine.Tests.Transport.Iscsi.Login.LoginScript;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>
/// What an initiator can make the target hold before it is logged in: login requests, continued
/// text, key and value sizes, the size of the answer, and time. Each cap ends the login with its
/// status and a log line, and the connection closes.
/// </summary>
public sealed class LoginLimitTests : IAsyncLifetime
{
    private LoginPortal _portal = null!;

    public Task InitializeAsync()
    {
        _portal = LoginPortal.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static readonly byte Continued = LoginWire.Flags(1, 0, transit: false, more: true);

    /// <summary>Sends continued text until the target answers otherwise than with an empty acknowledgement; returns that answer and how many went.</summary>
    private static async Task<(Pdu? Answer, int Sent)> ContinueUntilRefusedAsync(LoginWire wire, byte[] chunk, int most)
    {
        for (var sent = 1; sent <= most; sent++)
        {
            await wire.SendAsync(wire.Request(Continued), chunk);
            var answer = await wire.ReceiveAsync();
            if (answer is null || LoginWire.StatusOf(answer) != LoginStatus.Success) return (answer, sent);
        }
        return (null, most + 1);
    }

    private void AssertLogged(string status) => Assert.Contains(_portal.Log, line => line.Contains(status, StringComparison.Ordinal));

    [Fact]
    public async Task ContinuedText_OverSixtyFourKiB_IsOutOfResources()
    {
        await using var wire = await _portal.OpenAsync();
        var (answer, sent) = await ContinueUntilRefusedAsync(wire, new byte[8000], most: 12);
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.OutOfResources, LoginWire.StatusOf(answer));
        Assert.Equal(9, sent);                                                        // 9 x 8000 > 65536
        Assert.Null(await wire.ReceiveAsync());
        AssertLogged("out of resources");
    }

    [Fact]
    public async Task LoginRequests_OverSixteen_AreOutOfResources()
    {
        await using var wire = await _portal.OpenAsync();
        var (answer, sent) = await ContinueUntilRefusedAsync(wire, [], most: 40);
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.OutOfResources, LoginWire.StatusOf(answer));
        Assert.Equal(17, sent);
        Assert.Null(await wire.ReceiveAsync());
        AssertLogged("out of resources");
    }

    public static TheoryData<string, string, bool> Sizes => new()
    {
        { "X-" + new string('k', 61), "1", true },                                   // a 63-byte key name
        { "X-" + new string('k', 62), "1", false },                                  // 64
        { "X-value", new string('v', 255), true },
        { "X-value", new string('v', 256), false },
        { "X-list", string.Join(',', Enumerable.Repeat(new string('v', 255), 3)), true }, // each value of a list counts
        { "X-binary", "0x" + new string('a', 8190), true },                          // 8192 bytes as a hex constant
        { "X-binary", "0x" + new string('a', 8191), false },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task TextKey_AtAndOverItsSizeBound_IsAnsweredOrInitiatorError(string key, string value, bool accepted)
    {
        await using var wire = await _portal.OpenAsync();
        var text = LoginWire.Keys(Identity(OpenTarget, (key, value)));
        Pdu? answer = null;
        for (var at = 0; at < text.Length; at += 8000)                                // continued when over one login PDU
        {
            var last = at + 8000 >= text.Length;
            await wire.SendAsync(wire.Request(last ? OperationalToFull : Continued), text[at..Math.Min(text.Length, at + 8000)]);
            answer = await wire.ReceiveAsync();
        }
        Assert.NotNull(answer);
        if (accepted)
        {
            Assert.True(LoginWire.IsFullFeature(answer));
            Assert.Equal("NotUnderstood", LoginWire.Answers(answer)[key]);
            return;
        }
        Assert.Equal(LoginStatus.InitiatorError, LoginWire.StatusOf(answer));
        Assert.Null(await wire.ReceiveAsync());
        AssertLogged("initiator error");
    }

    [Fact]
    public async Task Answer_LongerThanALoginPdu_IsOutOfResources()
    {
        await using var wire = await _portal.OpenAsync();
        var keys = Enumerable.Range(0, 700).Select(i => ($"X-k{i:D4}", "1")).ToArray();   // each answered NotUnderstood
        var answer = await wire.ExchangeAsync(OperationalToFull, Identity(OpenTarget, keys));
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.OutOfResources, LoginWire.StatusOf(answer));
        Assert.Equal(0, _portal.SessionsOn(OpenTarget));
    }

    [Fact]
    public async Task Login_LeftIdle_IsClosedAtTheLoginTimeoutWithALogLine()
    {
        _portal.Portal.LoginTimeout = TimeSpan.FromMilliseconds(300);
        await using var wire = await _portal.OpenAsync();
        Assert.Equal(LoginStatus.Success, LoginWire.StatusOf((await wire.ExchangeAsync(Security(), Identity(ChapTarget, ("AuthMethod", "CHAP"))))!));
        Assert.Null(await wire.ReceiveAsync(timeoutMs: 10_000));                      // closed, well before the hang guard
        AssertLogged("did not complete within");
    }

    [Fact]
    public async Task KeyName_InMultibyteUtf8_IsBoundedInBytes()
    {
        var name = "X-" + string.Concat(Enumerable.Repeat("é", 31));                 // 2 + 62 bytes, 33 characters
        Assert.Equal(64, Encoding.UTF8.GetByteCount(name));
        await using var wire = await _portal.OpenAsync();
        var answer = await wire.ExchangeAsync(OperationalToFull, Identity(OpenTarget, (name, "1")));
        Assert.NotNull(answer);
        Assert.Equal(LoginStatus.InitiatorError, LoginWire.StatusOf(answer));
    }
}
