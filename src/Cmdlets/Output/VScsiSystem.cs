using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>The managed system behind a -SystemPath.</summary>
public sealed class VScsiSystem
{
    internal VScsiSystem(SystemInfo s, int partitionCount, string systemPath)
    {
        Name = s.Name;
        Serial = s.Serial;
        MachineTypeModel = s.MachineTypeModel;
        DatabasePath = s.DatabasePath;
        SchemaVersion = s.SchemaVersion;
        PartitionCount = partitionCount;
        SystemPath = systemPath;
    }

    public string Name { get; }
    public string Serial { get; }
    public string MachineTypeModel { get; }
    public string DatabasePath { get; }
    public int SchemaVersion { get; }
    public int PartitionCount { get; }
    public string SystemPath { get; }

    public override string ToString() => Name;
}
