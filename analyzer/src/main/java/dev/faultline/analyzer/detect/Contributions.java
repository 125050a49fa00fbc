package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each node's own contribution to what the entry points see, per entry request: extra latency it
 * adds itself (its self time, the network on its links, or, for a database or an uninstrumented
 * peer, the whole latency of the calls into it) and errors it originates (weighted as 1 s each).
 * Mutable while detectors fill it in.
 */
final class Contributions {
  /** One second of latency per error: an error costs the user at least a retry. */
  static final double MS_PER_ERROR = 1_000;

  static final class Node {
    final NodeKey key;
    double latencyMs;
    double errorMs;
    final Map<String, Double> byOperation = new HashMap<>();
    final List<Evidence> evidence = new ArrayList<>();

    Node(NodeKey key) {
      this.key = key;
    }

    double total() {
      return latencyMs + errorMs;
    }

    String operation() {
      return byOperation.entrySet().stream()
          .max(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey)
          .orElse(null);
    }
  }

  private final Map<NodeKey, Node> nodes = new TreeMap<>();

  Node node(NodeKey key) {
    return nodes.computeIfAbsent(key, Node::new);
  }

  void latency(NodeKey key, String operation, double ms, Evidence evidence) {
    latency(key, operation, ms, List.of(evidence));
  }

  /** Extra latency with every figure that shows it (each risen link of a network share). */
  void latency(NodeKey key, String operation, double ms, List<Evidence> evidence) {
    if (ms <= 0) {
      return;
    }
    Node node = node(key);
    node.latencyMs += ms;
    if (operation != null) {
      node.byOperation.merge(operation, ms, Double::sum);
    }
    node.evidence.addAll(evidence);
  }

  void errors(NodeKey key, String operation, double errorsPerEntry, Evidence evidence) {
    if (errorsPerEntry <= 0) {
      return;
    }
    Node node = node(key);
    node.errorMs += errorsPerEntry * MS_PER_ERROR;
    if (operation != null) {
      node.byOperation.merge(operation, errorsPerEntry * MS_PER_ERROR, Double::sum);
    }
    node.evidence.add(evidence);
  }

  /** Nodes by total contribution, largest first (ties by name, so the order is stable). */
  List<Node> ranked() {
    List<Node> out = new ArrayList<>(nodes.values());
    out.removeIf(n -> n.total() <= 0);
    out.sort(
        (a, b) -> {
          int byTotal = Double.compare(b.total(), a.total());
          return byTotal != 0 ? byTotal : a.key.compareTo(b.key);
        });
    return out;
  }
}
