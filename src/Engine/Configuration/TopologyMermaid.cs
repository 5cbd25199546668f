using System.Text;

namespace VScsi.Engine.Configuration;

/// <summary>
/// Draws a <see cref="TopologyGraph"/> as a Mermaid flowchart (the syntax GitHub renders in a
/// <c>```mermaid</c> block). Each partition is a subgraph holding a node shaped by its type
/// (Vios a hexagon, IbmI a stadium, AixLinux a rounded box) and filled by its state; pairs are
/// solid lines, unpaired adapters dashed and labelled. Every label is a quoted string in which the
/// characters Mermaid would read (quote, '#', '&lt;', '&gt;', '&amp;', backtick) are entity codes
/// (<c>#quot;</c>, <c>#35;</c>...), so no name can end a label or inject markup.
/// </summary>
public static class TopologyMermaid
{
    public static string Render(TopologyGraph graph)
    {
        var text = new StringBuilder();
        // The title is YAML front matter: a double-quoted YAML scalar, with '\\' and '"' escaped.
        text.Append("---\ntitle: \"").Append(YamlEscape("VScsi managed system " + graph.SystemName)).Append("\"\n---\n");
        text.Append("flowchart LR\n");
        foreach (var group in graph.Groups)
        {
            text.Append("    subgraph ").Append(group.Id).Append("[\"").Append(Escape(group.Title)).Append("\"]\n");
            foreach (var node in graph.Nodes.Where(n => n.Partition == group.PartitionId))
                text.Append("        ").Append(Node(node)).Append('\n');
            text.Append("    end\n");
        }
        foreach (var node in graph.Nodes.Where(n => n.Partition is null))
            text.Append("    ").Append(Node(node)).Append('\n');
        foreach (var edge in graph.Edges)
            text.Append("    ").Append(Edge(edge)).Append('\n');
        AppendClasses(text, graph);
        return text.ToString();
    }

    /// <summary>Label text for a quoted Mermaid string: entity codes for what Mermaid or HTML would interpret; line breaks become spaces.</summary>
    public static string Escape(string raw)
    {
        var text = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            text.Append(c switch
            {
                '"' => "#quot;",
                '#' => "#35;",
                '&' => "#amp;",
                '<' => "#lt;",
                '>' => "#gt;",
                '`' => "#96;",
                '\r' or '\n' or '\t' => " ",
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }

    private static string YamlEscape(string raw) =>
        new(raw.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    private static string Node(TopologyNode node)
    {
        var label = "\"" + string.Join("<br/>", node.Lines.Select(Escape)) + "\"";
        var (open, close) = node.Kind switch
        {
            TopologyNodeKind.Partition => node.PartitionType switch
            {
                PartitionType.Vios => ("{{", "}}"),
                PartitionType.IbmI => ("([", "])"),
                _ => ("(", ")"),
            },
            TopologyNodeKind.Backing => ("[(", ")]"),
            TopologyNodeKind.Media => ("[/", "/]"),
            TopologyNodeKind.Portal => ("((", "))"),
            TopologyNodeKind.MissingPartner => (">", "]"),
            _ => ("[", "]"),
        };
        return node.Id + open + label + close;
    }

    private static string Edge(TopologyEdge edge)
    {
        var arrow = edge.Kind switch
        {
            TopologyEdgeKind.Pair => "<==>",
            TopologyEdgeKind.Unpaired => "-.->",
            _ => "-->",
        };
        var label = edge.Label is null ? "" : "|\"" + Escape(edge.Label) + "\"|";
        return $"{edge.From} {arrow}{label} {edge.To}";
    }

    private static void AppendClasses(StringBuilder text, TopologyGraph graph)
    {
        text.Append("    classDef running fill:#d9f2d9,stroke:#2e7d32,stroke-width:2px\n");
        text.Append("    classDef notactivated fill:#eeeeee,stroke:#888888\n");
        text.Append("    classDef stale fill:#fde0dc,stroke:#c62828,stroke-width:2px,stroke-dasharray: 5 5\n");
        text.Append("    classDef unpaired fill:#fff4d6,stroke:#e65100,stroke-dasharray: 5 5\n");
        Assign(text, "running", graph.Nodes.Where(n => n.State == PartitionState.Running));
        Assign(text, "notactivated", graph.Nodes.Where(n => n.State == PartitionState.NotActivated));
        Assign(text, "stale", graph.Nodes.Where(n => n.State == PartitionState.Stale));
        Assign(text, "unpaired", graph.Nodes.Where(n => n.Unpaired));
    }

    private static void Assign(StringBuilder text, string className, IEnumerable<TopologyNode> nodes)
    {
        var ids = nodes.Select(n => n.Id).ToList();
        if (ids.Count > 0) text.Append("    class ").Append(string.Join(',', ids)).Append(' ').Append(className).Append('\n');
    }
}
