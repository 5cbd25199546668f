using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests;

/// <summary>A managed system in a fresh temp folder, deleted on dispose.</summary>
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

/// <summary>Assertions on refused requests.</summary>
public static class Refused
{
    public static ConfigurationException With(ConfigurationError error, Action action)
    {
        var e = Assert.Throws<ConfigurationException>(action);
        Assert.Equal(error, e.Error);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e;
    }

    public static ConfigurationException With<T>(ConfigurationError error, Func<T> action) => With(error, () => { action(); });
}
