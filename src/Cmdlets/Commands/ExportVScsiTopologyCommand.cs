using System.Management.Automation;
using System.Text;
using VScsi.Engine.Configuration;
using VScsi.Engine.Runtime;

namespace VScsi.PowerShell.Commands;

/// <summary>The languages Export-VScsiTopology draws in.</summary>
public enum TopologyFormat { Mermaid, Dot }

/// <summary>
/// Draws the managed system (partitions by type and state, adapter pairs with unpaired adapters
/// marked, target devices with their backing, served iSCSI portals) as Mermaid flowchart text or
/// Graphviz DOT: one string to the pipeline, or a file with -Path.
/// </summary>
[Cmdlet(VerbsData.Export, "VScsiTopology", SupportsShouldProcess = true, DefaultParameterSetName = "Text")]
[OutputType(typeof(string), ParameterSetName = new[] { "Text" })]
[OutputType(typeof(FileInfo), ParameterSetName = new[] { "File" })]
public sealed class ExportVScsiTopologyCommand : VScsiCmdlet
{
    [Parameter(Position = 0)]
    public TopologyFormat Format { get; set; } = TopologyFormat.Mermaid;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "File")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Overwrite an existing -Path file.</summary>
    [Parameter(ParameterSetName = "File")]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var graph = Use(s => TopologyGraph.Build(s.GetSystem().Name, s.GetPartitions().Select(WithServingState),
            s.GetAdapters(), s.GetMappings(), s.GetVirtualDisks()));
        if (graph is null) return;
        var text = Format == TopologyFormat.Dot ? TopologyDot.Render(graph) : TopologyMermaid.Render(graph);
        if (ParameterSetName == "Text")
            WriteObject(text);
        else
            WriteFile(text);
    }

    private void WriteFile(string text)
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!Force && (File.Exists(path) || Directory.Exists(path)))
        {
            Fail(ErrorIds.TopologyFileExists, ErrorCategory.ResourceExists,
                $"'{path}' already exists. Use -Force to overwrite it, or choose another -Path.", path, null);
            return;
        }
        if (!ShouldProcess(path, $"Write the {Format} topology")) return;
        try
        {
            // CreateNew without -Force: a file that appeared since the check is still not overwritten.
            using var file = new FileStream(path, Force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None);
            file.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var exists = e is IOException && !Force && File.Exists(path);
            Fail(exists ? ErrorIds.TopologyFileExists : ErrorIds.TopologyFileWriteFailed, exists ? ErrorCategory.ResourceExists : ErrorCategory.WriteError,
                $"Cannot write the topology to '{path}': {e.Message}", path, e);
            return;
        }
        WriteObject(new FileInfo(path));
    }

    private void Fail(string id, ErrorCategory category, string message, string path, Exception? inner) =>
        WriteError(new ErrorRecord(new IOException(message, inner), id, category, path));

    /// <summary>As Get-VScsiPartition shows it: a server partition marked Running whose serving process is gone is Stale.</summary>
    private Partition WithServingState(Partition p) =>
        p is { State: PartitionState.Running, Type: not PartitionType.AixLinux } && !ServingLock.IsHeld(ResolvedSystemPath, p.Id) ? p with { State = PartitionState.Stale } : p;
}
