using VScsi.Shell;

// vscsi: a small PowerShell host with the VScsi module imported, for machines without pwsh.
//   vscsi                       interactive prompt
//   vscsi -Command '<script>'   run script text
//   vscsi -File script.ps1 ...  run a script file with arguments
var options = new List<string>(args);
while (options.Count > 0 && options[0].ToLowerInvariant() is "-noprofile" or "-noninteractive" or "-nologo")
    options.RemoveAt(0);

if (options.Count > 0 && options[0].ToLowerInvariant() is "-h" or "--help" or "-help" or "-?" or "/?")
{
    Console.WriteLine("""
        vscsi: PowerShell with the VScsi module, for machines without pwsh.

          vscsi                          interactive prompt (type 'exit' to leave)
          vscsi -Command '<script>'      run script text; exit code: 'exit N', else 1 on error, else 0
          vscsi -File <script.ps1> [args] run a script file with arguments
          vscsi <script.ps1> [args]      same as -File
        """);
    return 0;
}

var redirected = Console.IsOutputRedirected;
int width;
try { width = redirected ? 120 : Math.Max(60, Console.WindowWidth); }
catch (IOException) { width = 120; }
var host = new TextHost(Console.Out, Console.Error, Console.In, width, interactive: !redirected && !Console.IsErrorRedirected);
using var session = new ScriptSession(host, ScriptSession.DefaultModulePath, plainText: redirected);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; session.Stop(); };

if (options.Count == 0)
    return Repl(session);

var mode = options[0].ToLowerInvariant();
if (mode is "-command" or "-c")
    return session.RunCommand(string.Join(' ', options.Skip(1)));
if (mode is "-file" or "-f")
{
    if (options.Count < 2)
    {
        Console.Error.WriteLine("vscsi: -File needs a script path.");
        return 64;
    }
    return session.RunFile(options[1], options.Skip(2).ToList());
}
if (!mode.StartsWith('-'))
    return session.RunFile(options[0], options.Skip(1).ToList());
Console.Error.WriteLine($"vscsi: unknown option '{options[0]}'. Try vscsi -h.");
return 64;

static int Repl(ScriptSession session)
{
    while (true)
    {
        Console.Write($"VScsi PS {Environment.CurrentDirectory}> ");
        var line = Console.ReadLine();
        if (line is null) return 0;
        if (line.Trim().Length == 0) continue;
        session.RunCommand(line);
        if (session.Host.ExitCode is int code) return code;
    }
}
