package dev.faultline.analyzer.graph;

import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The call graph over a span of windows: every edge and node operation with its statistics merged
 * over those windows. Built from published windows; immutable once built.
 *
 * @param fromMs start of the first window
 * @param toMs end of the last window
 * @param windows how many windows were merged
 * @param edges merged statistics per edge
 * @param nodes merged statistics per service operation
 */
public record GraphSnapshot(
    long fromMs,
    long toMs,
    int windows,
    Map<EdgeKey, EdgeStats> edges,
    Map<OperationKey, NodeStats> nodes) {

  public GraphSnapshot {
    edges = Map.copyOf(edges);
    nodes = Map.copyOf(nodes);
  }

  /** Merges windows (in any order) into one snapshot. */
  public static GraphSnapshot merge(Collection<GraphWindow> windows) {
    Merger merger = new Merger();
    windows.forEach(merger::add);
    return merger.snapshot();
  }

  /**
   * Merges windows and snapshots of disjoint spans of windows into one snapshot, as if all their
   * windows had been merged: a long baseline can then be the merge of a few pre-merged blocks
   * instead of every window again.
   */
  public static final class Merger {
    // Hash maps: the snapshot's maps are unordered anyway (Map.copyOf).
    private final Map<EdgeKey, EdgeAccumulator> edges = new HashMap<>();
    private final Map<OperationKey, NodeAccumulator> nodes = new HashMap<>();
    private long from = Long.MAX_VALUE;
    private long to = Long.MIN_VALUE;
    private int windows;

    public Merger add(GraphWindow window) {
      add(window.startMs(), window.endMs(), 1, window.edges(), window.nodes());
      return this;
    }

    public Merger add(GraphSnapshot part) {
      if (part.windows > 0) {
        add(part.fromMs, part.toMs, part.windows, part.edges.values(), part.nodes.values());
      }
      return this;
    }

    private void add(
        long fromMs,
        long toMs,
        int count,
        Collection<EdgeStats> edgeStats,
        Collection<NodeStats> nodeStats) {
      from = Math.min(from, fromMs);
      to = Math.max(to, toMs);
      windows += count;
      for (EdgeStats edge : edgeStats) {
        edges.computeIfAbsent(EdgeKey.of(edge), EdgeAccumulator::new).merge(edge);
      }
      for (NodeStats node : nodeStats) {
        nodes
            .computeIfAbsent(
                new OperationKey(node.getService(), node.getOperation()), NodeAccumulator::new)
            .merge(node);
      }
    }

    public GraphSnapshot snapshot() {
      Map<EdgeKey, EdgeStats> edgeStats = new HashMap<>();
      edges.forEach((key, acc) -> edgeStats.put(key, acc.toStats()));
      Map<OperationKey, NodeStats> nodeStats = new HashMap<>();
      nodes.forEach((key, acc) -> nodeStats.put(key, acc.toStats()));
      return new GraphSnapshot(
          windows == 0 ? 0 : from, windows == 0 ? 0 : to, windows, edgeStats, nodeStats);
    }
  }

  /** Seconds covered, for rates. */
  public double seconds() {
    return Math.max(0.001, (toMs - fromMs) / 1_000.0);
  }

  /** Every node: the services with visits and every end of an edge. */
  public Set<NodeKey> nodeKeys() {
    Set<NodeKey> out = new TreeSet<>();
    for (OperationKey op : nodes.keySet()) {
      out.add(NodeKey.service(op.service()));
    }
    for (EdgeKey edge : edges.keySet()) {
      out.add(edge.caller());
      out.add(edge.callee());
    }
    return out;
  }

  /** The operations of a service with their statistics. */
  public List<NodeStats> operations(String service) {
    return nodes.entrySet().stream()
        .filter(e -> e.getKey().service().equals(service))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** The edges out of {@code node}. */
  public List<EdgeKey> edgesFrom(NodeKey node) {
    return edges.keySet().stream().filter(e -> e.caller().equals(node)).toList();
  }

  /** The edges into {@code node}. */
  public List<EdgeKey> edgesTo(NodeKey node) {
    return edges.keySet().stream().filter(e -> e.callee().equals(node)).toList();
  }
}
