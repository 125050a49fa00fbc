package dev.faultline.analyzer.query;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.trace.NodeKey;
import java.util.List;
import java.util.Map;

/** The graph as Graphviz DOT or a Mermaid flowchart, for pasting into docs and chats. */
final class GraphText {
  private GraphText() {}

  static String dot(GraphSnapshot snapshot) {
    StringBuilder out =
        new StringBuilder("digraph faultline {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for (NodeKey node : snapshot.nodeKeys()) {
      out.append("  ")
          .append(quote(node.toString()))
          .append(" [label=")
          .append(quote(node.name()))
          .append(", shape=")
          .append(shape(node))
          .append("];\n");
    }
    for (Map.Entry<String, List<EdgeKey>> group :
        GraphJson.serviceEdges(snapshot, null).entrySet()) {
      Map<String, Object> edge = GraphJson.edge(snapshot, group.getValue());
      out.append("  ")
          .append(quote((String) edge.get("source")))
          .append(" -> ")
          .append(quote((String) edge.get("target")))
          .append(" [label=")
          .append(quote(label(edge)))
          .append("];\n");
    }
    return out.append("}\n").toString();
  }

  static String mermaid(GraphSnapshot snapshot) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    List<NodeKey> nodes = List.copyOf(snapshot.nodeKeys());
    for (int i = 0; i < nodes.size(); i++) {
      NodeKey node = nodes.get(i);
      String label = mermaidText(node.name());
      out.append("  n").append(i);
      switch (node.type()) {
        case NODE_TYPE_DATABASE -> out.append("[(\"").append(label).append("\")]");
        case NODE_TYPE_QUEUE -> out.append("[/\"").append(label).append("\"/]");
        case NODE_TYPE_ENTRY, NODE_TYPE_VIRTUAL -> out.append("((\"").append(label).append("\"))");
        default -> out.append("[\"").append(label).append("\"]");
      }
      out.append('\n');
    }
    for (Map.Entry<String, List<EdgeKey>> group :
        GraphJson.serviceEdges(snapshot, null).entrySet()) {
      EdgeKey first = group.getValue().get(0);
      Map<String, Object> edge = GraphJson.edge(snapshot, group.getValue());
      out.append("  n")
          .append(nodes.indexOf(first.caller()))
          .append(" -->|\"")
          .append(mermaidText(label(edge)))
          .append("\"| n")
          .append(nodes.indexOf(first.callee()))
          .append('\n');
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static String label(Map<String, Object> edge) {
    StringBuilder label = new StringBuilder();
    label.append(edge.get("callRate")).append("/s");
    Object errors = edge.get("errorRate");
    if (errors instanceof Double rate && rate > 0) {
      label.append(" err ").append(Math.round(rate * 1000) / 10.0).append('%');
    }
    Object latency = edge.get("latencyMs");
    if (latency == null) {
      latency = edge.get("serverLatencyMs");
    }
    if (latency instanceof Map<?, ?> map) {
      label.append(" p99 ").append(((Map<String, Object>) map).get("p99")).append("ms");
    }
    return label.toString();
  }

  private static String shape(NodeKey node) {
    return switch (node.type()) {
      case NODE_TYPE_DATABASE -> "cylinder";
      case NODE_TYPE_QUEUE -> "cds";
      case NODE_TYPE_ENTRY, NODE_TYPE_VIRTUAL -> "ellipse";
      default -> "box";
    };
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String mermaidText(String text) {
    return text.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
  }
}
