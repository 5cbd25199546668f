using System.Management.Automation;
using VScsi.Engine.Runtime;
using VScsi.PowerShell.Output;

namespace VScsi.PowerShell.Commands;

/// <summary>Positions a client's tape: rewind, space over filemarks or blocks, locate a block, or go to the end of data.</summary>
[Cmdlet(VerbsCommon.Set, "VScsiTapePosition", DefaultParameterSetName = "Rewind", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VScsiTapePosition))]
public sealed class SetVScsiTapePositionCommand : TapeCommandBase
{
    [Parameter(Mandatory = true, ParameterSetName = "Rewind")]
    public SwitchParameter Rewind { get; set; }

    /// <summary>Filemarks to space over (negative: backwards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Filemarks")]
    public long SpaceFilemarks { get; set; }

    /// <summary>Blocks (records) to space over (negative: backwards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Blocks")]
    public long SpaceBlocks { get; set; }

    /// <summary>The logical block (object) number to locate.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Block")]
    public ulong Block { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "EndOfData")]
    public SwitchParameter EndOfData { get; set; }

    /// <summary>Write the position afterwards (READ POSITION).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveTape() is not var (device, tape)) return;
        if (!ShouldProcess(device.Name, ParameterSetName switch { "Filemarks" => $"Space {SpaceFilemarks} filemark(s)", "Blocks" => $"Space {SpaceBlocks} block(s)",
                "Block" => $"Locate block {Block}", "EndOfData" => "Space to end of data", _ => "Rewind" })) return;
        TapePosition? position = null;
        var moved = RunTape(device, async ct =>
        {
            await (ParameterSetName switch
            {
                "Filemarks" => tape.SpaceFilemarksAsync(SpaceFilemarks, ct),
                "Blocks" => tape.SpaceBlocksAsync(SpaceBlocks, ct),
                "Block" => tape.LocateAsync(Block, ct),
                "EndOfData" => tape.SpaceToEndOfDataAsync(ct),
                _ => tape.RewindAsync(ct),
            });
            if (PassThru) position = await tape.ReadPositionAsync(ct);
        });
        if (moved && position is not null) WriteObject(new VScsiTapePosition(position, device));
    }
}
