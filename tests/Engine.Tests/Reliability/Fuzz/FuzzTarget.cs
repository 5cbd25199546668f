using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VScsi.Reliability.Fuzz;

/// <summary>
/// What the fuzzer attacks: a served partition's iSCSI portal with one target without CHAP and
/// one with CHAP, and the layout of the fuzzed disk. Writes go to the scratch range and the probe
/// range only; every other block is canary, checksummed before and after a run.
/// </summary>
public sealed record FuzzTarget(
    string EndPoint,
    string TargetIqn,
    string InitiatorIqn,
    string ChapTargetIqn,
    string ChapInitiatorIqn,
    string ChapUser,
    string ChapSecret,
    int BlockSize,
    long Blocks,
    long ScratchLba,
    long ScratchBlocks,
    long ProbeLba,
    long ProbeBlocks,
    string DiskPath)
{
    [JsonIgnore]
    public IPEndPoint Portal => IPEndPoint.Parse(EndPoint);

    /// <summary>True when [lba, lba + blocks) lies inside the scratch range.</summary>
    public bool InScratch(UInt128 lba, UInt128 blocks) => lba >= (ulong)ScratchLba && lba + blocks <= (ulong)(ScratchLba + ScratchBlocks);

    public string ToJson() => JsonSerializer.Serialize(this);

    public static FuzzTarget FromJson(string json) => JsonSerializer.Deserialize<FuzzTarget>(json) ?? throw new FormatException("no fuzz target in " + json);
}
