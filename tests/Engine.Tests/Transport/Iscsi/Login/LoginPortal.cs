using System.Collections.Concurrent;
using System.Net;
using VScsi.Engine.Scsi;
using VScsi.Engine.Scsi.Block;
using VScsi.Engine.Storage;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>
/// A portal on loopback with a real disk behind three targets: one open (AuthMethod None), one
/// that requires one-way CHAP and one that requires mutual CHAP. Login tests run against it.
/// </summary>
internal sealed class LoginPortal : IAsyncDisposable
{
    public const string Initiator = "iqn.2026-11.org.vscsi:test.lpar2.vscsi0";
    public const string OpenTarget = "iqn.2026-11.org.vscsi:test.vios1.open";
    public const string ChapTarget = "iqn.2026-11.org.vscsi:test.vios1.chap";
    public const string MutualTarget = "iqn.2026-11.org.vscsi:test.vios1.mutual";
    public const string ChapUser = "lpar2";
    public const string ChapSecretText = "secret-of-lpar2";
    public const string MutualUser = "vios1";
    public const string MutualSecretText = "secret-of-vios1";

    private readonly string _dir;
    private readonly FileBlockStore _store;

    private LoginPortal(string dir, FileBlockStore store, IscsiPortal portal)
    {
        _dir = dir;
        _store = store;
        Portal = portal;
    }

    public IscsiPortal Portal { get; }

    public IPEndPoint EndPoint => Portal.EndPoint;

    /// <summary>Every line the portal logged.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public static LoginPortal Start()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"vscsi-login-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var store = FileBlockStore.Create(Path.Combine(dir, "disk.img"), 1 << 20);
        var target = new ScsiTarget();
        target.TryAdd(0, new DiskLogicalUnit(new LogicalUnitIdentity("VSCSI", "VDISK", "0001", "SN-LOGIN", Guid.NewGuid()), store));
        var portal = IscsiPortal.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var result = new LoginPortal(dir, store, portal);
        portal.Logger = result.Log.Enqueue;
        var initiators = new Dictionary<string, int> { [Initiator] = 4 };
        portal.Add(new IscsiTargetEntry(OpenTarget, target) { Initiators = initiators });
        portal.Add(new IscsiTargetEntry(ChapTarget, target) { Initiators = initiators, Chap = new ChapSecret(ChapUser, ChapSecretText) });
        portal.Add(new IscsiTargetEntry(MutualTarget, target)
        {
            Initiators = initiators,
            Chap = new ChapSecret(ChapUser, ChapSecretText),
            MutualChap = new ChapSecret(MutualUser, MutualSecretText),
        });
        return result;
    }

    public Task<LoginWire> OpenAsync() => LoginWire.OpenAsync(EndPoint);

    /// <summary>The sessions of <see cref="Initiator"/> on <paramref name="target"/>.</summary>
    public int SessionsOn(string target) => Portal.Sessions.Count(s => s.TargetName == target);

    /// <summary>The keys of a leading Login Request.</summary>
    public static (string, string)[] Identity(string target, params (string, string)[] more) =>
        [("InitiatorName", Initiator), ("SessionType", "Normal"), ("TargetName", target), .. more];

    /// <summary>The right CHAP_N/CHAP_R for the challenge the wire last saw.</summary>
    public static (string, string)[] ChapAnswer(LoginWire wire, string secret = ChapSecretText)
    {
        var (id, challenge) = wire.Challenge ?? throw new InvalidOperationException("no challenge seen");
        return [("CHAP_N", ChapUser), ("CHAP_R", Chap.Encode(Chap.Response(id, secret, challenge)))];
    }

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}
