using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace VScsi.Shell;

/// <summary>
/// Writes output to one writer and errors, warnings, verbose and debug text to another; answers
/// prompts (ShouldProcess -Confirm, Read-Host) from the input reader, taking the default choice
/// when input is exhausted. Progress is drawn on one line only when interactive.
/// </summary>
public sealed class TextHostUserInterface : PSHostUserInterface
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly TextReader _in;
    private readonly bool _interactive;
    private bool _progressShown;

    public TextHostUserInterface(TextWriter output, TextWriter error, TextReader input, int width, bool interactive)
    {
        _out = output;
        _err = error;
        _in = input;
        _interactive = interactive;
        RawUI = new TextHostRawUserInterface(width);
    }

    public override PSHostRawUserInterface RawUI { get; }

    public override bool SupportsVirtualTerminal => _interactive;

    public override string ReadLine()
    {
        ClearProgress();
        return _in.ReadLine() ?? "";
    }

    public override SecureString ReadLineAsSecureString()
    {
        var secure = new SecureString();
        foreach (var c in ReadLine()) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    public override void Write(string value) => Out(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Out(value);
    public override void WriteLine(string value) => Out(value + Environment.NewLine);
    public override void WriteErrorLine(string value) => Err(value);
    public override void WriteWarningLine(string message) => Err("WARNING: " + message);
    public override void WriteVerboseLine(string message) => Err("VERBOSE: " + message);
    public override void WriteDebugLine(string message) => Err("DEBUG: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        if (!_interactive) return; // progress would only clutter logs
        if (record.RecordType == ProgressRecordType.Completed)
        {
            ClearProgress();
            return;
        }
        var percent = Math.Clamp(record.PercentComplete, 0, 100);
        var filled = percent * 20 / 100;
        var line = $"{record.Activity}: {record.StatusDescription} [{new string('=', filled)}{new string(' ', 20 - filled)}] {percent}%";
        var width = Math.Max(20, RawUI.BufferSize.Width - 1);
        _err.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
        _err.Flush();
        _progressShown = true;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        WritePromptHeader(caption, message);
        var answers = new Dictionary<string, PSObject>();
        foreach (var field in descriptions)
        {
            Out($"{field.Name}: ");
            answers[field.Name] = PSObject.AsPSObject(ReadLine());
        }
        return answers;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        WritePromptHeader(caption, message);
        var labels = choices.Select(c => c.Label.Replace("&", "", StringComparison.Ordinal)).ToList();
        var hotkeys = choices.Select(HotKey).ToList();
        var options = string.Join(" ", choices.Select((c, i) => $"[{hotkeys[i]}] {labels[i]}"));
        var fallback = defaultChoice >= 0 ? $" (default is \"{hotkeys[defaultChoice]}\")" : "";
        while (true)
        {
            Out($"{options}{fallback}: ");
            var line = _in.ReadLine();
            if (line is null)
            {
                Out(Environment.NewLine);
                return defaultChoice >= 0 ? defaultChoice : choices.Count - 1; // no input left: the default, else the last (usually No/Suspend)
            }
            var answer = line.Trim();
            if (answer.Length == 0 && defaultChoice >= 0) return defaultChoice;
            var index = hotkeys.FindIndex(h => string.Equals(h, answer, StringComparison.OrdinalIgnoreCase));
            if (index < 0) index = labels.FindIndex(l => string.Equals(l, answer, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) return index;
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        WritePromptHeader(caption, message);
        if (string.IsNullOrEmpty(userName))
        {
            Out("User: ");
            userName = ReadLine();
        }
        Out("Password: ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }

    private static string HotKey(ChoiceDescription choice)
    {
        var amp = choice.Label.IndexOf('&', StringComparison.Ordinal);
        return amp >= 0 && amp + 1 < choice.Label.Length ? choice.Label[amp + 1].ToString() : choice.Label;
    }

    private void WritePromptHeader(string caption, string message)
    {
        if (!string.IsNullOrEmpty(caption)) Out(caption + Environment.NewLine);
        if (!string.IsNullOrEmpty(message)) Out(message + Environment.NewLine);
    }

    private void Out(string text)
    {
        ClearProgress();
        _out.Write(Plain(text));
        _out.Flush();
    }

    private void Err(string line)
    {
        ClearProgress();
        _err.WriteLine(Plain(line));
        _err.Flush();
    }

    /// <summary>Strips ANSI escapes unless writing to a terminal ($PSStyle alone does not cover table headers).</summary>
    private string Plain(string text) => _interactive ? text : GetOutputString(text, supportsVirtualTerminal: false);

    private void ClearProgress()
    {
        if (!_progressShown) return;
        _err.Write("\r" + new string(' ', Math.Max(20, RawUI.BufferSize.Width - 1)) + "\r");
        _progressShown = false;
    }
}
