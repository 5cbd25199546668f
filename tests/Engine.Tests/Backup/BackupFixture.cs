using System.Diagnostics;
using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Backup;

/// <summary>A temporary folder with sparse disk images, and GNU tar run as a peer.</summary>
internal sealed class BackupFixture : IDisposable
{
    public BackupFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "vscsi-backup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>A sparse image with a deterministic pattern in the given (offset, length) extents.</summary>
    public string CreateImage(string name, long size, params (long Offset, int Length)[] data)
    {
        var path = PathOf(name);
        using (var store = FileBlockStore.Create(path, size))
            foreach (var (offset, length) in data)
                store.WriteAsync((ulong)(offset / 512), Pattern(offset, length, 1), false, default).AsTask().GetAwaiter().GetResult();
        return path;
    }

    public static byte[] Pattern(long offset, int length, int seed)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++) data[i] = (byte)((offset + i) * 31 + seed + ((offset + i) >> 9));
        return data;
    }

    public static (int ExitCode, string Output) Run(string file, string arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <summary>Allocated bytes of a file (du), to prove holes stayed holes.</summary>
    public static long AllocatedBytes(string path)
    {
        var (_, output) = Run("/usr/bin/du", $"-B1 \"{path}\"");
        return long.Parse(output.Split('\t')[0]);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
