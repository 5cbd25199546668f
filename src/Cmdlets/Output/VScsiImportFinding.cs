using VScsi.Engine.Configuration;

namespace VScsi.PowerShell.Output;

/// <summary>What Import-VScsiConfiguration did, or would do, with one item of an export.</summary>
public sealed class VScsiImportFinding
{
    internal VScsiImportFinding(ImportFinding f, string systemPath)
    {
        Outcome = f.Outcome.ToString();
        Item = f.Item;
        Message = f.Message;
        SystemPath = systemPath;
    }

    /// <summary>Created, Exists or Error.</summary>
    public string Outcome { get; }
    /// <summary>The item, as "kind name" (a partition, adapter, disk, pool ...).</summary>
    public string Item { get; }
    public string Message { get; }
    public string SystemPath { get; }

    public override string ToString() => $"{Outcome}: {Item}";
}
