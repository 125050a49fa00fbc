package dev.faultline.analyzer.graph;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.trace.NodeKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.AllDirectedPaths;
import org.jgrapht.graph.DirectedPseudograph;

/**
 * The service-level call graph of a snapshot as a JGraphT graph, for path queries and graph
 * algorithms. A view: built from our records, never stored. Parallel edges (one per operation pair
 * and kind) and self loops are kept.
 */
public final class GraphView {
  private final GraphSnapshot snapshot;
  private final Graph<NodeKey, EdgeKey> graph;

  private GraphView(GraphSnapshot snapshot, Graph<NodeKey, EdgeKey> graph) {
    this.snapshot = snapshot;
    this.graph = graph;
  }

  public static GraphView of(GraphSnapshot snapshot) {
    requireNonNull(snapshot, "snapshot");
    Graph<NodeKey, EdgeKey> graph = new DirectedPseudograph<>(EdgeKey.class);
    for (NodeKey node : snapshot.nodeKeys()) {
      graph.addVertex(node);
    }
    for (EdgeKey edge : snapshot.edges().keySet()) {
      graph.addEdge(edge.caller(), edge.callee(), edge);
    }
    return new GraphView(snapshot, graph);
  }

  public GraphSnapshot snapshot() {
    return snapshot;
  }

  public Graph<NodeKey, EdgeKey> graph() {
    return graph;
  }

  public boolean contains(NodeKey node) {
    return graph.containsVertex(node);
  }

  /**
   * The simple directed paths from {@code from} to {@code to}, service by service, shortest first
   * then by name, at most {@code limit} of them and {@code maxHops} hops long. Parallel edges
   * between the same two nodes count as one path.
   */
  public List<List<NodeKey>> paths(NodeKey from, NodeKey to, int maxHops, int limit) {
    if (!contains(from) || !contains(to)) {
      return List.of();
    }
    List<GraphPath<NodeKey, EdgeKey>> found =
        new AllDirectedPaths<>(graph).getAllPaths(from, to, true, maxHops);
    List<List<NodeKey>> out = new ArrayList<>();
    for (GraphPath<NodeKey, EdgeKey> path : found) {
      List<NodeKey> nodes = path.getVertexList();
      if (!out.contains(nodes)) {
        out.add(nodes);
      }
    }
    out.sort(Comparator.<List<NodeKey>>comparingInt(List::size).thenComparing(List::toString));
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** The edges from {@code from} to {@code to} (one per operation pair and kind). */
  public List<EdgeKey> edgesBetween(NodeKey from, NodeKey to) {
    return new ArrayList<>(graph.getAllEdges(from, to));
  }
}
