using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>The topology model built from a real configuration, and its Mermaid and DOT renderings.</summary>
public sealed partial class TopologyTests : IDisposable
{
    /// <summary>Every character either language treats specially: quotes, escapes, markup, entity starts, separators.</summary>
    private const string Hostile = "we \"quote\" #1 <b>x</b> & `tick` \\N \\\" {a;b} [c] |d| end";

    private readonly TempSystem _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TopologyGraph Of(ManagedSystem s) =>
        TopologyGraph.Build(s.GetSystem().Name, s.GetPartitions(), s.GetAdapters(), s.GetMappings(), s.GetVirtualDisks());

    /// <summary>vios1 serves lpar2 (paired, a pool device and a disk with an awkward path), has an "any" adapter nobody uses; lpar2 has a client adapter to a slot that does not exist.</summary>
    private TopologyGraph Sample() => _temp.Do(s =>
    {
        s.CreatePartition("vios1", PartitionType.Vios);
        s.CreatePartition("lpar2", PartitionType.AixLinux);
        s.CreatePartition("ibm3", PartitionType.IbmI);
        s.AddAdapter("vios1", Requests.Server(11, "lpar2", 3));
        s.AddAdapter("lpar2", Requests.Client(3, "vios1", 11));
        s.AddAdapter("vios1", Requests.Server(12));
        s.AddAdapter("lpar2", Requests.Client(4, "vios1", 20));
        s.CreateStoragePool("vios1", "clients", Path.Combine(_temp.Folder, "clients"));
        s.CreateBackingDevice("clients", "lpar2_root", 1L << 20);
        s.AddTargetDevice("vios1", "vhost0", "lpar2_root");
        s.CreateVirtualDisk("vios1", "data", Path.Combine(_temp.Folder, "my \"disks\" #2", "data.img"), 1L << 20);
        s.AddTargetDevice("vios1", "vhost0", "data");
        s.AddDrive("vios1", "vhost1", TargetDeviceKind.Optical);
        return Of(s);
    });

    private static TopologyGraph HostileGraph()
    {
        var server = new Partition(1, Hostile, PartitionType.Vios, PartitionState.Running, 64, "p", "p", []) { IscsiPortal = "[::1]:3260" };
        var client = new Partition(2, "c " + Hostile, PartitionType.AixLinux, PartitionState.Stale, 64, "p", null, []);
        var host = new VirtualScsiAdapter(1, server.Name, "vhost0", new AdapterDefinition(11, AdapterKind.Server, "2", client.Name, "3", false),
            null, true, "U", PairingStatus.Paired, 2, client.Name, "vscsi0", null);
        var vscsi = new VirtualScsiAdapter(2, client.Name, "vscsi0", new AdapterDefinition(3, AdapterKind.Client, "1", server.Name, "11", false),
            null, true, "U", PairingStatus.Paired, 1, server.Name, "vhost0", null);
        var lonely = new VirtualScsiAdapter(2, client.Name, "v \"1\"", new AdapterDefinition(4, AdapterKind.Client, "", Hostile, "9", false),
            null, true, "U", PairingStatus.Unpaired, null, null, null, "no such slot");
        var device = new TargetDevice("vt " + Hostile, 1, server.Name, 11, "vhost0", 0, "disk " + Hostile, "/tmp/" + Hostile + ".img");
        return TopologyGraph.Build("sys " + Hostile, [server, client], [host, vscsi, lonely], [new AdapterMapping(host, 2, [device])], []);
    }

    [Fact]
    public void Build_SampleSystem_HasEveryPartitionAdapterPairDeviceAndBacking()
    {
        var g = Sample();
        string Node(TopologyNodeKind kind, string first) => Assert.Single(g.Nodes, n => n.Kind == kind && n.Lines[0] == first).Id;
        Assert.Equal(["vios1", "lpar2", "ibm3"], g.Groups.Select(x => x.Title));
        Assert.Equal([PartitionType.Vios, PartitionType.AixLinux, PartitionType.IbmI], g.Nodes.Where(n => n.Kind == TopologyNodeKind.Partition).Select(n => n.PartitionType!.Value));
        var vhost0 = Node(TopologyNodeKind.ServerAdapter, "vhost0");
        var vhost1 = Node(TopologyNodeKind.ServerAdapter, "vhost1");
        var vscsi0 = Node(TopologyNodeKind.ClientAdapter, "vscsi0");
        var vscsi1 = Node(TopologyNodeKind.ClientAdapter, "vscsi1");
        Assert.Single(g.Edges, e => e.Kind == TopologyEdgeKind.Pair);
        Assert.Contains(new TopologyEdge(vhost0, vscsi0, TopologyEdgeKind.Pair, null), g.Edges);
        Assert.Equal([vhost1, vscsi1], g.Edges.Where(e => e.Kind == TopologyEdgeKind.Unpaired).Select(e => e.From));
        Assert.Equal(["expects any client partition, any slot", "expects vios1, slot 20"],
            g.Nodes.Where(n => n.Kind == TopologyNodeKind.MissingPartner).Select(n => n.Lines[0]));
        Assert.True(g.Nodes.Single(n => n.Id == vhost1).Unpaired);
        Assert.False(g.Nodes.Single(n => n.Id == vhost0).Unpaired);
        var vtscsi0 = Node(TopologyNodeKind.TargetDevice, "vtscsi0");
        var vtscsi1 = Node(TopologyNodeKind.TargetDevice, "vtscsi1");
        Assert.Contains(new TopologyEdge(vhost0, vtscsi0, TopologyEdgeKind.Maps, "LUN 0x8100000000000000"), g.Edges);
        Assert.Contains(new TopologyEdge(vtscsi0, Node(TopologyNodeKind.Backing, "lpar2_root"), TopologyEdgeKind.Backs, null), g.Edges);
        Assert.Equal("pool clients", g.Nodes.Single(n => n.Lines[0] == "lpar2_root").Lines[1]);
        Assert.Contains(new TopologyEdge(vtscsi1, Node(TopologyNodeKind.Backing, "data"), TopologyEdgeKind.Backs, null), g.Edges);
        Assert.Equal(["vtopt0", "CD/DVD drive", "empty"], g.Nodes.Single(n => n.Kind == TopologyNodeKind.TargetDevice && n.Lines[0] == "vtopt0").Lines);
        Assert.All(g.Nodes, n => Assert.Matches(SafeId(), n.Id));
        Assert.Equal(g.Nodes.Count, g.Nodes.Select(n => n.Id).Distinct().Count());
    }

    [Fact]
    public void Mermaid_SampleAndHostileNames_EveryLineIsAFlowchartStatement()
    {
        foreach (var graph in new[] { Sample(), HostileGraph() })
        {
            var lines = TopologyMermaid.Render(graph).TrimEnd('\n').Split('\n');
            Assert.Equal(["---", "---", "flowchart LR"], new[] { lines[0], lines[2], lines[3] });
            Assert.Matches(YamlTitle(), lines[1]);
            Assert.All(lines.Skip(4), l => Assert.Matches(MermaidStatement(), l));
            var text = string.Join('\n', lines);
            Assert.Equal(Regex.Matches(text, "subgraph ").Count, Regex.Matches(text, "^    end$", RegexOptions.Multiline).Count);
        }
    }

    [Fact]
    public void Mermaid_HostileNames_BecomeEntityCodesInQuotedLabels()
    {
        var text = TopologyMermaid.Render(HostileGraph());
        var escaped = "we #quot;quote#quot; #35;1 #lt;b#gt;x#lt;/b#gt; #amp; #96;tick#96; \\N \\#quot; {a;b} [c] |d| end";
        Assert.Contains($"subgraph g1[\"{escaped}\"]", text);
        Assert.Contains($"p1{{{{\"{escaped}<br/>Vios · Running · id 1\"}}}}", text);
        Assert.Contains("p1_portal((\"iSCSI portal<br/>[::1]:3260\"))", text);
        Assert.Contains("p2_s4[\"v #quot;1#quot;<br/>client · slot 4\"]", text);
        Assert.Contains("p2_s4 -.->|\"unpaired\"| p2_s4_missing", text);
        Assert.Contains("class p2 stale", text);
        Assert.Contains("title: \"VScsi managed system sys we \\\"quote\\\" #1 <b>x</b> & `tick` \\\\N \\\\\\\" {a;b} [c] |d| end\"", text);
    }

    [Fact]
    public void Dot_HostileNames_GraphvizReadsEveryLabelBack()
    {
        var graph = HostileGraph();
        var (json, errors) = RunDot("-Tjson", TopologyDot.Render(graph));
        Assert.Equal("", errors);
        using var doc = JsonDocument.Parse(json);
        var objects = doc.RootElement.GetProperty("objects").EnumerateArray().ToList();
        string LabelOf(string name) => objects.Single(o => o.GetProperty("name").GetString() == name).GetProperty("label").GetString()!;
        // DOT unescapes \" when it reads a string; \\ stays for the label renderer, which draws one backslash.
        static string Read(string raw) => raw.Replace("\\", "\\\\", StringComparison.Ordinal);
        Assert.Equal(Read(Hostile), LabelOf("cluster_g1"));
        Assert.Equal(Read("c " + Hostile), LabelOf("cluster_g2"));
        Assert.Equal(Read(Hostile) + "\\nVios · Running · id 1", LabelOf("p1"));
        Assert.Equal(Read("disk " + Hostile) + "\\n" + Read("/tmp/" + Hostile + ".img"), LabelOf("b0"));
        Assert.Equal(graph.Nodes.Count, objects.Count(o => !o.GetProperty("name").GetString()!.StartsWith("cluster_", StringComparison.Ordinal)));
        Assert.Equal(graph.Edges.Count, doc.RootElement.GetProperty("edges").GetArrayLength());
    }

    /// <summary>Runs Graphviz dot (Debian package graphviz, installed by .ci/run) on <paramref name="input"/>.</summary>
    internal static (string Output, string Errors) RunDot(string format, string input)
    {
        var start = new ProcessStartInfo("dot") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(format);
        using var dot = Process.Start(start) ?? throw new InvalidOperationException("dot did not start");
        var output = dot.StandardOutput.ReadToEndAsync();
        var errors = dot.StandardError.ReadToEndAsync();
        dot.StandardInput.Write(input);
        dot.StandardInput.Close();
        Assert.True(dot.WaitForExit(60_000), "dot did not finish in 60 s");
        Assert.Equal(0, dot.ExitCode);
        return (output.Result, errors.Result);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SafeId();

    [GeneratedRegex("^title: \"([^\"\\\\]|\\\\.)*\"$")]
    private static partial Regex YamlTitle();

    /// <summary>
    /// The statements the renderer may emit: subgraph/end, a node with one quoted label in one of
    /// the shapes used, an edge between safe ids with an optional quoted label, classDef and class.
    /// A quoted label holds no '"' (Mermaid strings cannot escape it) and no markup but &lt;br/&gt;.
    /// </summary>
    [GeneratedRegex("""^(    subgraph g\d+\["(?<l>[^"<>]*)"\]|    end|        [a-z][a-z0-9_]*(\{\{"(?<l>([^"<>]|<br/>)*)"\}\}|\(\["(?<l>([^"<>]|<br/>)*)"\]\)|\("(?<l>([^"<>]|<br/>)*)"\)|\[\("(?<l>([^"<>]|<br/>)*)"\)\]|\[/"(?<l>([^"<>]|<br/>)*)"/\]|\(\("(?<l>([^"<>]|<br/>)*)"\)\)|>"(?<l>([^"<>]|<br/>)*)"\]|\["(?<l>([^"<>]|<br/>)*)"\])|    [a-z][a-z0-9_]* (<==>|-\.->|-->)(\|"[^"<>|]*"\|)? [a-z][a-z0-9_]*|    classDef [a-z]+ [a-z:#0-9,\- ]+|    class [a-z0-9_,]+ [a-z]+)$""")]
    private static partial Regex MermaidStatement();
}
