using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>One problem reported by Test-VScsiConfiguration.</summary>
public sealed class VScsiConfigurationFinding
{
    internal VScsiConfigurationFinding(ConfigurationFinding f, string systemPath)
    {
        Severity = f.Severity;
        Code = f.Code;
        Partition = f.Partition;
        Adapter = f.Adapter;
        Slot = f.Slot;
        Message = f.Message;
        SystemPath = systemPath;
    }

    public FindingSeverity Severity { get; }
    public string Code { get; }
    public string Partition { get; }
    public string? Adapter { get; }
    public int? Slot { get; }
    public string Message { get; }
    public string SystemPath { get; }

    public override string ToString() => Message;
}
