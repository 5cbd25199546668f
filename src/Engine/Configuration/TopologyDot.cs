using System.Text;

namespace VScsi.Engine.Configuration;

/// <summary>
/// Draws a <see cref="TopologyGraph"/> in the Graphviz DOT language (<c>dot -Tpng</c>, <c>-Tsvg</c>).
/// Each partition is a <c>cluster_</c> subgraph holding a node shaped by its type (Vios a hexagon,
/// IbmI an octagon, AixLinux a rounded box) and filled by its state; pairs are bold two-headed
/// edges, unpaired adapters dashed and labelled. Every id and label is a double-quoted DOT string
/// in which '\' and '"' are escaped, so names cannot end a string or become escape sequences
/// such as <c>\N</c> or <c>\l</c>; lines are joined with DOT's <c>\n</c>.
/// </summary>
public static class TopologyDot
{
    public static string Render(TopologyGraph graph)
    {
        var text = new StringBuilder();
        text.Append("digraph \"vscsi\" {\n");
        text.Append("    graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=").Append(Quote("VScsi managed system " + graph.SystemName)).Append("];\n");
        text.Append("    node [fontname=\"Helvetica\", fontsize=10, shape=box];\n");
        text.Append("    edge [fontname=\"Helvetica\", fontsize=9];\n");
        foreach (var group in graph.Groups)
        {
            text.Append("    subgraph \"cluster_").Append(group.Id).Append("\" {\n");
            text.Append("        label=").Append(Quote(group.Title)).Append("; style=rounded; color=\"#90a4ae\";\n");
            foreach (var node in graph.Nodes.Where(n => n.Partition == group.PartitionId))
                text.Append("        ").Append(Node(node)).Append('\n');
            text.Append("    }\n");
        }
        foreach (var node in graph.Nodes.Where(n => n.Partition is null))
            text.Append("    ").Append(Node(node)).Append('\n');
        foreach (var edge in graph.Edges)
            text.Append("    ").Append(Edge(edge)).Append('\n');
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>A DOT double-quoted string: backslash and quote escaped, line breaks as spaces.</summary>
    public static string Quote(string raw)
    {
        var text = new StringBuilder(raw.Length + 2).Append('"');
        foreach (var c in raw)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\r' or '\n' or '\t' => " ",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    /// <summary>Several lines as one label: each line quoted on its own terms, joined with DOT's centred line break.</summary>
    private static string Label(IEnumerable<string> lines)
    {
        var quoted = lines.Select(l => Quote(l)[1..^1]);
        return "\"" + string.Join("\\n", quoted) + "\"";
    }

    private static string Node(TopologyNode node)
    {
        var attributes = new List<string> { "label=" + Label(node.Lines) };
        attributes.AddRange(node.Kind switch
        {
            TopologyNodeKind.Partition => [Shape(node.PartitionType), .. Fill(node.State, rounded: node.PartitionType == PartitionType.AixLinux)],
            TopologyNodeKind.Backing => ["shape=cylinder"],
            TopologyNodeKind.Media => ["shape=parallelogram"],
            TopologyNodeKind.Portal => ["shape=circle"],
            TopologyNodeKind.MissingPartner => ["shape=note", "style=\"dashed\"", "color=\"#e65100\""],
            _ => node.Unpaired ? ["style=\"dashed,filled\"", "fillcolor=\"#fff4d6\"", "color=\"#e65100\""] : [],
        });
        return Quote(node.Id) + " [" + string.Join(", ", attributes) + "];";
    }

    private static string Shape(PartitionType? type) => type switch
    {
        PartitionType.Vios => "shape=hexagon",
        PartitionType.IbmI => "shape=octagon",
        _ => "shape=box",
    };

    private static string[] Fill(PartitionState? state, bool rounded)
    {
        var (style, fill, line) = state switch
        {
            PartitionState.Running => ("filled,bold", "#d9f2d9", "#2e7d32"),
            PartitionState.Stale => ("filled,dashed", "#fde0dc", "#c62828"),
            _ => ("filled", "#eeeeee", "#888888"),
        };
        return [$"style=\"{style}{(rounded ? ",rounded" : "")}\"", $"fillcolor=\"{fill}\"", $"color=\"{line}\""];
    }

    private static string Edge(TopologyEdge edge)
    {
        var attributes = new List<string>();
        if (edge.Label is not null) attributes.Add("label=" + Quote(edge.Label));
        attributes.AddRange(edge.Kind switch
        {
            TopologyEdgeKind.Pair => ["dir=both", "penwidth=2"],
            TopologyEdgeKind.Unpaired => ["style=dashed", "color=\"#e65100\""],
            TopologyEdgeKind.Serves => ["style=dotted"],
            _ => [],
        });
        var tail = attributes.Count > 0 ? " [" + string.Join(", ", attributes) + "]" : "";
        return Quote(edge.From) + " -> " + Quote(edge.To) + tail + ";";
    }
}
