using System.Text.Json;

namespace VScsi.Engine.Scsi.Primary;

/// <summary>Persistent reservation types (SPC-5 6.17.3, table 172).</summary>
public enum PersistentReservationType : byte
{
    WriteExclusive = 1,
    ExclusiveAccess = 3,
    WriteExclusiveRegistrantsOnly = 5,
    ExclusiveAccessRegistrantsOnly = 6,
    WriteExclusiveAllRegistrants = 7,
    ExclusiveAccessAllRegistrants = 8,
}

/// <summary>Registrations and the reservation of a logical unit, as saved so they survive a restart.</summary>
public sealed record PersistentReservationState(
    uint Generation, IReadOnlyDictionary<string, ulong> Registrations, string? Holder, PersistentReservationType? Type)
{
    public static readonly PersistentReservationState Empty = new(0, new Dictionary<string, ulong>(), null, null);
}

/// <summary>Where a logical unit keeps its persistent reservation state.</summary>
public interface IPersistentReservationStore
{
    PersistentReservationState Load();
    void Save(PersistentReservationState state);
}

/// <summary>A JSON file beside the backing storage, replaced atomically on every change.</summary>
public sealed class FilePersistentReservationStore(string path) : IPersistentReservationStore
{
    public PersistentReservationState Load()
    {
        if (!File.Exists(path)) return PersistentReservationState.Empty;
        return JsonSerializer.Deserialize<PersistentReservationState>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} holds no persistent reservation state.");
    }

    public void Save(PersistentReservationState state)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state));
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Keeps the state in memory only (tests, scratch disks).</summary>
public sealed class MemoryPersistentReservationStore : IPersistentReservationStore
{
    private PersistentReservationState _state = PersistentReservationState.Empty;
    public PersistentReservationState Load() => _state;
    public void Save(PersistentReservationState state) => _state = state;
}
