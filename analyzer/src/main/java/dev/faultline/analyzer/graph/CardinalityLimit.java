package dev.faultline.analyzer.graph;

import dev.faultline.analyzer.trace.NodeKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Bounds the distinct nodes, operations and edges of one window, so that spans with a million
 * service or operation names (an id in a span name, a random service.name) cannot grow memory
 * without end. Past a bound, a new name is folded into {@code (other)}: a node into the node {@code
 * (other)} of its type, an operation into its node's operation {@code (other)}, an edge into the
 * edge between the same nodes from and to {@code (other)}. The fold keeps every call and visit
 * counted; only the names are lost, and each fold is counted. A folded edge that would itself be
 * new past the edge bound plus a reserve of a tenth is dropped and counted. Not thread-safe.
 */
public final class CardinalityLimit {
  /** The name that overflowing nodes and operations are folded into. */
  public static final String OTHER = "(other)";

  private final int maxNodes;
  private final int maxOperations;
  private final int maxEdges;
  private final Set<NodeKey> nodes = new HashSet<>();
  private final Map<NodeKey, Set<String>> operations = new HashMap<>();
  private int operationCount;
  private final Overflow overflow = new Overflow();

  /** What was folded or dropped in one window. */
  public static final class Overflow {
    long nodes;
    long operations;
    long edges;
    long droppedEdges;

    public long nodes() {
      return nodes;
    }

    public long operations() {
      return operations;
    }

    public long edges() {
      return edges;
    }

    public long droppedEdges() {
      return droppedEdges;
    }

    public long total() {
      return nodes + operations + edges + droppedEdges;
    }
  }

  /**
   * @param maxNodes distinct nodes per window
   * @param maxOperations distinct (node, operation) pairs per window
   * @param maxEdges distinct edges per window
   */
  public CardinalityLimit(int maxNodes, int maxOperations, int maxEdges) {
    if (maxNodes < 1 || maxOperations < 1 || maxEdges < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxNodes = maxNodes;
    this.maxOperations = maxOperations;
    this.maxEdges = maxEdges;
  }

  /** No practical bound (tests and replays of known data). */
  public static CardinalityLimit none() {
    return new CardinalityLimit(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** {@code node}, or its type's {@code (other)} when the window holds too many nodes. */
  NodeKey node(NodeKey node) {
    if (nodes.contains(node) || node.equals(NodeKey.ENTRY)) {
      return node;
    }
    if (nodes.size() < maxNodes) {
      nodes.add(node);
      return node;
    }
    overflow.nodes++;
    NodeKey other = new NodeKey(node.type(), OTHER);
    nodes.add(other); // may pass the bound by one per node type
    return other;
  }

  /** {@code operation} of an admitted node, or {@code (other)} past the operation bound. */
  String operation(NodeKey node, String operation) {
    Set<String> known = operations.computeIfAbsent(node, n -> new HashSet<>());
    if (known.contains(operation)) {
      return operation;
    }
    if (operationCount < maxOperations) {
      known.add(operation);
      operationCount++;
      return operation;
    }
    overflow.operations++;
    if (known.add(OTHER)) {
      operationCount++; // at most one (other) per node, and nodes are bounded
    }
    return OTHER;
  }

  /**
   * The key to count {@code edge} under, given the edges the window holds: itself, its folded form,
   * or null to drop it.
   */
  EdgeKey edge(EdgeKey edge, Map<EdgeKey, ?> held) {
    if (held.containsKey(edge) || held.size() < maxEdges) {
      return edge;
    }
    EdgeKey folded = new EdgeKey(edge.caller(), OTHER, edge.callee(), OTHER, edge.kind());
    if (held.containsKey(folded) || held.size() < maxEdges + Math.max(1, maxEdges / 10)) {
      overflow.edges++;
      return folded;
    }
    overflow.droppedEdges++;
    return null;
  }

  Overflow overflow() {
    return overflow;
  }

  /** A fresh limit with the same bounds, for the next window. */
  CardinalityLimit fresh() {
    return new CardinalityLimit(maxNodes, maxOperations, maxEdges);
  }
}
