using VScsi.Reliability.Fuzz;

namespace VScsi.Engine.Tests.Reliability;

/// <summary>
/// Single cases the soak fuzzer found, reduced to the one command that shows the defect, against
/// the same served partition. Skipped while the defect is open; each skip reason names it and the
/// fuzz case (seed, phase, index) that found it.
/// </summary>
public sealed class FuzzFindingTests : IAsyncLifetime
{
    private const string Write6Defect = "fuzz seed 10 FullFeature #17867: WRITE(6) of 8 blocks at the last LBA with EDTL 512 writes the last block instead of LBA OUT OF RANGE (SBC-4 5.38); transfer lengths are not decided from the CDB (issue 10 Shape, branch wt-lengths)";
    private const string ReserveDefect = "fuzz seed 10 FullFeature #5994: a connection that dies on EDTL 0x7fffffff (issue 10 defect 2) keeps its SPC-2 RESERVE: the I_T nexus loss never releases it (SPC-2 5.5.1), and every other initiator port meets RESERVATION CONFLICT until the process restarts; branch wt-lengths";

    private FuzzServer _server = null!;

    public Task InitializeAsync()
    {
        _server = FuzzServer.Start(1 << 20, loginTimeout: TimeSpan.FromSeconds(5), keepAlive: TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<FuzzWire> LoginAsync(ulong isid)
    {
        var (wire, why) = await FuzzSession.LoginAsync(_server.Target, isid, false, false, default);
        Assert.True(wire is not null, why);
        await FuzzSession.ExecuteAsync(wire, new byte[6], 0, null, default, read: false);   // the power-on unit attention
        return wire;
    }

    [Fact(Skip = Write6Defect)]
    public async Task Write6_RangePastTheLastBlockWithShortEdtl_IsLbaOutOfRangeAndWritesNothing()
    {
        var t = _server.Target;
        await using (var wire = await LoginAsync(1))
        {
            var lba = t.Blocks - 1;
            byte[] cdb = [0x0A, (byte)((lba >> 16) & 0x1F), (byte)(lba >> 8), (byte)lba, 8, 0];
            var answer = await FuzzSession.ExecuteAsync(wire, cdb, (uint)t.BlockSize, Enumerable.Repeat((byte)0x5A, t.BlockSize).ToArray(), default);
            Assert.Equal((byte)0x02, answer.Status);                         // CHECK CONDITION
            Assert.Equal((byte)0x05, answer.SenseKey);                       // ILLEGAL REQUEST (LBA OUT OF RANGE)
        }
        Assert.Empty(FuzzProbe.CanaryDiff(t));
    }

    [Theory]
    [InlineData(-1)]   // the connection just closes
    [InlineData(0)]    // Logout: close the session
    [InlineData(1)]    // close the connection (the session's only one)
    [InlineData(2)]    // remove the connection for recovery (not at ErrorRecoveryLevel 0)
    public async Task Reserve6_SessionEnds_ReleasesTheUnitForOtherInitiatorPorts(int logoutReason)
    {
        await using (var holder = await LoginAsync(2))
        {
            Assert.True((await FuzzSession.ExecuteAsync(holder, [0x16, 0, 0, 0, 0, 0], 0, null, default, read: false)).Good);
            if (logoutReason >= 0)
            {
                var logout = new WirePdu(0x06, immediate: true, flags: (byte)(0x80 | logoutReason)) { Itt = holder.Itt++ };
                logout.U32(24, holder.CmdSn);
                await holder.SendAsync(logout, default);
                await holder.EndsWithinAsync(FuzzSession.Guard, default);
            }
        }
        Assert.Null(await FuzzProbe.RoundTripAsync(_server.Target, 1, default));
    }

    [Fact(Skip = ReserveDefect)]
    public async Task Reserve6_ConnectionDiesOnAHugeExpectedLength_ReleasesTheUnitForOtherInitiatorPorts()
    {
        await using (var holder = await LoginAsync(3))
        {
            Assert.True((await FuzzSession.ExecuteAsync(holder, [0x16, 0, 0, 0, 0, 0], 0, null, default, read: false)).Good);
            await holder.SendAsync(FuzzSession.Command(holder, FuzzProbe.Cdb10(0x28, 0, 1), read: true, write: false, 0x7FFFFFFF), default);
            await holder.EndsWithinAsync(FuzzSession.Guard, default);
        }
        Assert.Null(await FuzzProbe.RoundTripAsync(_server.Target, 1, default));
    }
}
