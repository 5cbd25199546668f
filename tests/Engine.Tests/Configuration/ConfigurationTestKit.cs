using System.Text;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>A managed system in a fresh folder under the temp path, deleted on dispose.</summary>
public sealed class TempSystem : IDisposable
{
    public TempSystem() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "vscsi-engine-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Folder, "system.db");

    public ManagedSystem Open(ManagedSystemOptions? options = null) => ManagedSystem.Open(Folder, options);

    /// <summary>Runs one operation on a freshly opened system, as a cmdlet does.</summary>
    public T Do<T>(Func<ManagedSystem, T> work)
    {
        using var system = Open();
        return work(system);
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>Adapter requests as the cmdlets build them.</summary>
public static class Requests
{
    /// <summary>A server adapter; no client means <c>any</c> partition, no client slot means <c>any</c> slot.</summary>
    public static AdapterRequest Server(int slot, string? client = null, int? clientSlot = null, bool required = false, string? name = null) =>
        new(AdapterKind.Server, slot, client, clientSlot, required, name);

    public static AdapterRequest Client(int slot, string server, int serverSlot, bool required = false, string? name = null) =>
        new(AdapterKind.Client, slot, server, serverSlot, required, name);
}

/// <summary>Assertions on refused requests: the stable error id, a message, and (optionally) nothing changed.</summary>
public static class Refused
{
    public static ConfigurationException With(ConfigurationError error, Action action)
    {
        var e = Assert.Throws<ConfigurationException>(action);
        Assert.True(error == e.Error, $"Expected {error}, got {e.Error}: {e.Message}");
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e;
    }

    public static ConfigurationException With<T>(ConfigurationError error, Func<T> action) => With(error, () => { action(); });

    /// <summary>The request is refused with <paramref name="error"/> and the whole configuration reads back the same.</summary>
    public static ConfigurationException Unchanged<T>(ManagedSystem system, ConfigurationError error, Func<T> action)
    {
        var before = ConfigurationDump.Of(system);
        var e = With(error, action);
        Assert.Equal(before, ConfigurationDump.Of(system));
        return e;
    }
}

/// <summary>The whole configuration as text: partitions, every profile in HMC syntax, every adapter with its name and pairing.</summary>
public static class ConfigurationDump
{
    public static string Of(ManagedSystem system)
    {
        var sb = new StringBuilder();
        foreach (var p in system.GetPartitions())
        {
            sb.AppendLine($"{p.Id} {p.Name} {p.Type} {p.State} max={p.MaxVirtualSlots} default={p.DefaultProfile} running={p.RunningProfile}");
            foreach (var profile in system.GetProfiles(p.Name))
            {
                sb.AppendLine($"  profile {profile.Name} max={profile.MaxVirtualSlots} {profile.VirtualScsiAdapters}");
                foreach (var a in system.GetAdapters(p.Name, profile: profile.Name))
                    sb.AppendLine($"    {a.Name} {a.Definition} {a.Pairing}");
            }
            foreach (var a in system.GetAdapters(p.Name))
                sb.AppendLine($"  current {a.Name} {a.Definition} running={a.IsRunningConfiguration} {a.Pairing}");
        }
        return sb.ToString();
    }
}

/// <summary>Assertions on what a managed system lists.</summary>
public static class ConfigAssert
{
    /// <summary>The profile reads back exactly this HMC <c>virtual_scsi_adapters</c> value.</summary>
    public static void Profile(ManagedSystem system, string partition, string profile, string virtualScsiAdapters) =>
        Assert.Equal(virtualScsiAdapters, system.GetProfile(partition, profile).VirtualScsiAdapters);

    /// <summary>The adapters of a partition's current configuration, as (name, slot) in slot order.</summary>
    public static void Adapters(ManagedSystem system, string partition, params (string Name, int Slot)[] expected) =>
        Assert.Equal(expected, system.GetAdapters(partition).Select(a => (a.Name, a.Definition.Slot)));

    public static VirtualScsiAdapter Adapter(ManagedSystem system, string partition, int slot) =>
        system.GetAdapters(partition).Single(a => a.Definition.Slot == slot);

    /// <summary>The adapter in <paramref name="slot"/> of <paramref name="partition"/> is paired with (partner, partnerAdapter).</summary>
    public static void Paired(ManagedSystem system, string partition, int slot, string partner, string partnerAdapter)
    {
        var a = Adapter(system, partition, slot);
        Assert.True(a.Pairing == PairingStatus.Paired, $"{a.Name} of {partition} is {a.Pairing}: {a.PairingProblem}");
        Assert.Equal((partner, partnerAdapter), (a.PartnerPartitionName, a.PartnerAdapter));
        Assert.Null(a.PairingProblem);
    }

    public static VirtualScsiAdapter NotPaired(ManagedSystem system, string partition, int slot, PairingStatus status, string problemFragment)
    {
        var a = Adapter(system, partition, slot);
        Assert.Equal(status, a.Pairing);
        Assert.Contains(problemFragment, a.PairingProblem);
        return a;
    }
}

/// <summary>Topologies several test classes start from.</summary>
public static class Topologies
{
    /// <summary>vios1 serving lpar2 (vhost0, slot 11, to its slot 3) and lpar3 (vhost1, slot 12, to its slot 3).</summary>
    public static void Vios1ServingLpar2AndLpar3(ManagedSystem s)
    {
        s.CreatePartition("vios1", PartitionType.Vios);
        s.CreatePartition("lpar2", PartitionType.AixLinux);
        s.CreatePartition("lpar3", PartitionType.AixLinux);
        s.AddAdapter("vios1", Requests.Server(11, "lpar2", 3));
        s.AddAdapter("vios1", Requests.Server(12, "lpar3", 3));
        s.AddAdapter("lpar2", Requests.Client(3, "vios1", 11));
        s.AddAdapter("lpar3", Requests.Client(3, "vios1", 12));
    }
}
