using VScsi.Engine.Runtime;

namespace VScsi.PowerShell.Output;

/// <summary>Where a client's tape stands, from READ POSITION (SSC-4 6.16, short form).</summary>
public sealed class VScsiTapePosition
{
    internal VScsiTapePosition(TapePosition p, VScsiClientDevice device)
    {
        Device = device.Name;
        Partition = device.Partition;
        Block = p.Block;
        BeginningOfPartition = p.BeginningOfPartition;
        PastEarlyWarning = p.PastEarlyWarning;
    }

    /// <summary>The client's tape device (rmtN).</summary>
    public string Device { get; }
    public string Partition { get; }
    /// <summary>The logical object (block) number the next read or write acts on.</summary>
    public ulong Block { get; }
    /// <summary>BOP: the tape is at its beginning.</summary>
    public bool BeginningOfPartition { get; }
    /// <summary>BPEW: the position lies past the early-warning point, near the end of the medium.</summary>
    public bool PastEarlyWarning { get; }

    public override string ToString() => $"{Device} block {Block}";
}
