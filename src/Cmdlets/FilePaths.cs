using System.Management.Automation;

namespace VScsi.PowerShell;

/// <summary>
/// The file a -Path parameter names, opened with VScsi error records instead of raw I/O
/// exceptions. Output goes to a temporary file beside the target and is moved over it only when
/// complete, so a failure or Ctrl+C never leaves a partial file.
/// </summary>
internal static class FilePaths
{
    /// <summary>Opens an input file, or reports InputFileNotFound, InputPathIsFolder or InputFileUnreadable and returns null.</summary>
    public static FileStream? OpenInput(Cmdlet cmdlet, string path)
    {
        if (Directory.Exists(path))
            return Fail<FileStream>(cmdlet, ErrorIds.InputPathIsFolder, ErrorCategory.InvalidType, $"'{path}' is a folder, not a file.", path, null);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail<FileStream>(cmdlet, ErrorIds.InputFileNotFound, ErrorCategory.ObjectNotFound, $"The file '{path}' does not exist.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Fail<FileStream>(cmdlet, ErrorIds.InputFileUnreadable, ErrorCategory.ReadError, $"Cannot read '{path}': {e.Message}", path, e);
        }
    }

    /// <summary>
    /// Checks an output path before any work: its folder exists and it is not itself a folder.
    /// Reports OutputFolderNotFound or OutputPathIsFolder and returns false otherwise.
    /// </summary>
    public static bool CheckOutput(Cmdlet cmdlet, string path)
    {
        if (Directory.Exists(path))
            return Fail<object>(cmdlet, ErrorIds.OutputPathIsFolder, ErrorCategory.InvalidType, $"'{path}' is a folder; give a file name.", path, null) is not null;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || Directory.Exists(folder)) return true;
        return Fail<object>(cmdlet, ErrorIds.OutputFolderNotFound, ErrorCategory.ObjectNotFound,
            $"The folder '{folder}' does not exist. Create it first (New-Item -ItemType Directory), or choose another -Path.", path, null) is not null;
    }

    /// <summary>Starts writing an output file (after <see cref="CheckOutput"/>), or reports the failure and returns null.</summary>
    public static OutputFile? CreateOutput(Cmdlet cmdlet, string path)
    {
        if (!CheckOutput(cmdlet, path)) return null;
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            return new OutputFile(path, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Fail<OutputFile>(cmdlet, ErrorIds.OutputFileWriteFailed, ErrorCategory.WriteError, $"Cannot write '{path}': {e.Message}", path, e);
        }
    }

    /// <summary>Writes a whole output file at once; false (reported) when it could not be written, and then nothing is left.</summary>
    public static bool WriteAll(Cmdlet cmdlet, string path, ReadOnlySpan<byte> bytes)
    {
        using var output = CreateOutput(cmdlet, path);
        if (output is null) return false;
        try
        {
            output.Stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReportWriteFailed(cmdlet, path, e);
            return false;
        }
        return output.Commit(cmdlet);
    }

    public static void ReportWriteFailed(Cmdlet cmdlet, string path, Exception e) =>
        Fail<object>(cmdlet, ErrorIds.OutputFileWriteFailed, ErrorCategory.WriteError, $"Cannot write '{path}': {e.Message}", path, e);

    private static T? Fail<T>(Cmdlet cmdlet, string id, ErrorCategory category, string message, string path, Exception? inner) where T : class
    {
        cmdlet.WriteError(new ErrorRecord(new IOException(message, inner), id, category, path));
        return null;
    }
}

/// <summary>An output file being written to its temporary name; disposing without <see cref="Commit"/> deletes it.</summary>
internal sealed class OutputFile(string path, string temp, FileStream stream) : IDisposable
{
    private bool _committed;

    public FileStream Stream { get; } = stream;

    public string Path { get; } = path;

    /// <summary>Flushes to disk and moves the file over its target; false (reported, nothing left) on failure.</summary>
    public bool Commit(Cmdlet cmdlet)
    {
        try
        {
            Stream.Flush(flushToDisk: true);
            Stream.Dispose();
            File.Move(temp, Path, overwrite: true);
            _committed = true;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FilePaths.ReportWriteFailed(cmdlet, Path, e);
            return false;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed) File.Delete(temp);
    }
}
