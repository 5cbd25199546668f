using System.Globalization;
using System.Management.Automation.Host;

namespace VScsi.Shell;

/// <summary>
/// A plain PowerShell host over text streams: the <c>vscsi</c> console host, and the host the
/// tests render default table views with. <c>exit N</c> is recorded in <see cref="ExitCode"/>.
/// </summary>
public sealed class TextHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();

    public TextHost(TextWriter output, TextWriter error, TextReader input, int width, bool interactive)
    {
        UI = new TextHostUserInterface(output, error, input, width, interactive);
    }

    public override string Name => "vscsi";
    public override Version Version { get; } = typeof(TextHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface UI { get; }
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    /// <summary>The code passed to <c>exit</c>, when a script called it.</summary>
    public int? ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException("vscsi has no nested prompts.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("vscsi has no nested prompts.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
