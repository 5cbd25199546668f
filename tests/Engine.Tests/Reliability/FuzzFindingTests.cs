using VScsi.Reliability.Fuzz;

namespace VScsi.Engine.Tests.Reliability;

/// <summary>
/// Single cases the soak fuzzer found, reduced to the one command that shows the defect, against
/// the same served partition. Each names the fuzz case (seed, phase, index)
/// that found it.
/// </summary>
public sealed class FuzzFindingTests : IAsyncLifetime
{

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

    /// <summary>Fuzz seed 10 FullFeature #17867: a write cut short by its EDTL must not bring a range past the last block back inside it.</summary>
    [Fact]
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

    /// <summary>Fuzz seed 10 FullFeature #5994: the I_T nexus loss of a connection that met a huge EDTL releases its SPC-2 RESERVE (SPC-2 5.5.1).</summary>
    [Fact]
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
