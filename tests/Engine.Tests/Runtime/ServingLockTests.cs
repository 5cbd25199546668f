using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;
using VScsi.Engine.Tests.Configuration;

namespace VScsi.Engine.Tests.Runtime;

/// <summary>The serving lock and the claim that clears what a dead serving process left (issue 10, defect 3).</summary>
public sealed class ServingLockTests : IAsyncLifetime
{
    private readonly TempSystem _temp = new();
    private readonly ServingRegistry _registry = new();

    public Task InitializeAsync()
    {
        using var s = _temp.Open();
        Topologies.Vios1ServingLpar2AndLpar3(s);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public void TryAcquire_HeldByAnotherDescriptorOfThisProcess_NullUntilReleased()
    {
        using (var held = ServingLock.TryAcquire(_temp.Folder, 1))
        {
            Assert.NotNull(held);
            Assert.Null(ServingLock.TryAcquire(_temp.Folder, 1));
            Assert.True(ServingLock.IsHeld(_temp.Folder, 1));
        }
        Assert.False(ServingLock.IsHeld(_temp.Folder, 1));
        Assert.True(File.Exists(ServingLock.PathOf(_temp.Folder, 1)), "the lock file stays: deleting it could let two processes hold different files");
        using var again = ServingLock.TryAcquire(_temp.Folder, 1);
        Assert.NotNull(again);
    }

    [Fact]
    public void Take_RunningWithoutAHolder_ClearsRunningPortalAndSocketAndSaysSo()
    {
        using (var s = _temp.Open())
        {
            s.Activate("vios1");
            s.RecordPortal("vios1", "127.0.0.1:3260");
        }
        File.WriteAllText(ControlEndpoint.PathOf(_temp.Folder, 1), "");
        var warnings = new List<string>();
        using var claim = ServingClaim.Take(_temp.Folder, "vios1", warnings.Add);
        Assert.Equal(PartitionState.NotActivated, claim.Partition.State);
        Assert.Equal(3, claim.Cleared.Count);
        var warning = Assert.Single(warnings);
        Assert.Contains("the Running state (profile 'default_profile')", warning);
        Assert.Contains($"the iSCSI portal record 127.0.0.1:3260 of process {Environment.ProcessId}", warning);
        Assert.Contains("the control socket", warning);
        Assert.False(File.Exists(ControlEndpoint.PathOf(_temp.Folder, 1)));
        Assert.True(ServingLock.IsHeld(_temp.Folder, 1));
    }

    [Fact]
    public void Take_NothingStale_NoWarning()
    {
        var warnings = new List<string>();
        using var claim = ServingClaim.Take(_temp.Folder, "vios1", warnings.Add);
        Assert.Empty(warnings);
        Assert.Empty(claim.Cleared);
    }

    [Fact]
    public void Take_WhileALiveHolderServes_PartitionRunningAndNothingCleared()
    {
        using (var s = _temp.Open()) s.Activate("vios1");
        using var live = ServingLock.TryAcquire(_temp.Folder, 1);
        Refused.With(ConfigurationError.PartitionRunning, () => ServingClaim.Take(_temp.Folder, "vios1"));
        Assert.Equal(PartitionState.Running, _temp.Do(s => s.GetPartition("vios1")).State);
    }

    [Fact]
    public void Take_ClientPartition_TakesNoLock()
    {
        using var claim = ServingClaim.Take(_temp.Folder, "lpar2");
        Assert.False(ServingLock.IsHeld(_temp.Folder, 2));
    }

    [Fact]
    public async Task Serve_WithAClaim_HoldsThatLockUntilStopped()
    {
        var claim = ServingClaim.Take(_temp.Folder, "vios1");
        _registry.Serve(_temp.Folder, "vios1", claim: claim);
        claim.Dispose();   // handed over: disposing the claim releases nothing
        Assert.True(ServingLock.IsHeld(_temp.Folder, 1));
        Assert.True(PartitionBackups.IsServedElsewhere(_temp.Folder, 1));
        await _registry.StopAsync(_temp.Folder, 1);
        Assert.False(ServingLock.IsHeld(_temp.Folder, 1));
    }
}
