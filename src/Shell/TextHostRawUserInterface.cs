using System.Management.Automation.Host;

namespace VScsi.Shell;

/// <summary>
/// A raw UI of fixed width: the formatter sizes tables from BufferSize, and console sizes mean
/// nothing when output is redirected. Operations a text stream cannot do are refused.
/// </summary>
public sealed class TextHostRawUserInterface(int width) : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get; set; } = new(width, 9999);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 1;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(width, 9999);
    public override Size MaxWindowSize => new(width, 9999);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new(width, 50);
    public override string WindowTitle { get; set; } = "vscsi";

    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("vscsi cannot read the screen buffer.");
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("vscsi reads whole lines, not keys.");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
