package dev.faultline.analyzer.query;

import dev.faultline.analyzer.graph.EdgeAccumulator;
import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.NodeAccumulator;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON documents of the graph, services and paths (schemas in {@code schemas/json}). */
final class GraphJson {
  private GraphJson() {}

  static Map<String, Object> window(GraphSnapshot snapshot) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", Instant.ofEpochMilli(snapshot.fromMs()).toString());
    out.put("to", Instant.ofEpochMilli(snapshot.toMs()).toString());
    out.put("seconds", Figures.round(snapshot.seconds()));
    out.put("windows", snapshot.windows());
    return out;
  }

  /** {@code GET /api/v1/graph}. */
  static Map<String, Object> graph(GraphSnapshot snapshot) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("window", window(snapshot));
    List<Object> nodes = new ArrayList<>();
    for (NodeKey node : snapshot.nodeKeys()) {
      nodes.add(node(snapshot, node));
    }
    out.put("nodes", nodes);
    List<Object> edges = new ArrayList<>();
    for (Map.Entry<String, List<EdgeKey>> entry : serviceEdges(snapshot, null).entrySet()) {
      edges.add(edge(snapshot, entry.getValue()));
    }
    out.put("edges", edges);
    return out;
  }

  /** A node with its figures; for a service, per operation too. */
  static Map<String, Object> node(GraphSnapshot snapshot, NodeKey node) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", node.toString());
    out.put("type", node.typeName());
    out.put("name", node.name());
    if (node.isService()) {
      List<NodeStats> operations = snapshot.operations(node.name());
      NodeAccumulator total = new NodeAccumulator(new OperationKey(node.name(), "*"));
      operations.forEach(total::merge);
      nodeFigures(out, total.toStats(), snapshot.seconds());
      List<Object> ops = new ArrayList<>();
      for (NodeStats op : operations) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", op.getOperation());
        nodeFigures(o, op, snapshot.seconds());
        ops.add(o);
      }
      out.put("operations", ops);
    } else {
      // A queue, database, peer or the entry: figures from the calls into it.
      long calls = 0;
      for (EdgeKey edge : snapshot.edgesTo(node)) {
        calls += snapshot.edges().get(edge).getCalls();
      }
      out.put("requestRate", Figures.round(calls / snapshot.seconds()));
    }
    return out;
  }

  private static void nodeFigures(Map<String, Object> out, NodeStats stats, double seconds) {
    out.put("requestRate", Figures.round(stats.getVisits() / seconds));
    out.put("errorRate", Figures.ratio(stats.getErrors(), stats.getVisits()));
    out.put("requests", stats.getVisits());
    out.put("entryRequests", stats.getEntryVisits());
    out.put("latencyMs", Figures.latencyMs(stats.getDurationUs()));
    out.put("selfTimeMs", Figures.latencyMs(stats.getSelfTimeUs()));
    List<Object> instances = new ArrayList<>();
    stats
        .getInstancesList()
        .forEach(
            i -> {
              Map<String, Object> instance = new LinkedHashMap<>();
              instance.put("instance", i.getInstance());
              instance.put("version", i.getVersion());
              instance.put("requests", i.getCount());
              instance.put("errorRate", Figures.ratio(i.getErrors(), i.getCount()));
              instance.put(
                  "meanLatencyMs",
                  i.getCount() == 0 ? null : Figures.ms(i.getLatencySumUs() / i.getCount()));
              instances.add(instance);
            });
    out.put("instances", instances);
    out.put("exemplarTraceIds", stats.getExemplarTraceIdsList().stream().map(Ids::toHex).toList());
  }

  /**
   * Edges grouped by (caller node, callee node, kind), in a stable order; {@code only} keeps the
   * groups touching that node (or all when null).
   */
  static Map<String, List<EdgeKey>> serviceEdges(GraphSnapshot snapshot, NodeKey only) {
    Map<String, List<EdgeKey>> groups = new TreeMap<>();
    for (EdgeKey edge : snapshot.edges().keySet()) {
      if (only != null && !edge.caller().equals(only) && !edge.callee().equals(only)) {
        continue;
      }
      groups
          .computeIfAbsent(
              edge.caller() + "->" + edge.callee() + ":" + kindName(edge.kind()),
              k -> new ArrayList<>())
          .add(edge);
    }
    return groups;
  }

  /** One service-level edge (its operation pairs merged) with its figures and operations. */
  static Map<String, Object> edge(GraphSnapshot snapshot, List<EdgeKey> group) {
    EdgeKey first = group.get(0);
    EdgeAccumulator total =
        new EdgeAccumulator(new EdgeKey(first.caller(), "*", first.callee(), "*", first.kind()));
    group.forEach(key -> total.merge(snapshot.edges().get(key)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", first.caller() + "->" + first.callee() + ":" + kindName(first.kind()));
    out.put("source", first.caller().toString());
    out.put("target", first.callee().toString());
    out.put("kind", kindName(first.kind()));
    edgeFigures(out, total.toStats(), snapshot, first.caller(), null);
    List<Object> operations = new ArrayList<>();
    for (EdgeKey key : group) {
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("callerOperation", key.callerOperation());
      op.put("calleeOperation", key.calleeOperation());
      edgeFigures(op, snapshot.edges().get(key), snapshot, key.caller(), key.callerOperation());
      operations.add(op);
    }
    out.put("operations", operations);
    return out;
  }

  private static void edgeFigures(
      Map<String, Object> out,
      EdgeStats stats,
      GraphSnapshot snapshot,
      NodeKey caller,
      String callerOperation) {
    out.put("callRate", Figures.round(stats.getCalls() / snapshot.seconds()));
    out.put("calls", stats.getCalls());
    out.put("errorRate", Figures.ratio(stats.getErrors(), stats.getCalls()));
    out.put("retryRate", Figures.ratio(stats.getRetries(), stats.getCalls()));
    out.put("latencyMs", Figures.latencyMs(stats.getClientLatencyUs()));
    out.put("serverLatencyMs", Figures.latencyMs(stats.getServerLatencyUs()));
    out.put("networkGapMs", Figures.latencyMs(stats.getNetworkGapUs()));
    out.put("queueWaitMs", Figures.latencyMs(stats.getQueueWaitUs()));
    out.put("fanOut", fanOut(stats, snapshot, caller, callerOperation));
    out.put("exemplarTraceIds", stats.getExemplarTraceIdsList().stream().map(Ids::toHex).toList());
  }

  /** Calls on the edge per request the caller (operation) handled; null when unknown. */
  private static Double fanOut(
      EdgeStats stats, GraphSnapshot snapshot, NodeKey caller, String callerOperation) {
    if (!caller.isService()) {
      return null;
    }
    long visits = 0;
    for (NodeStats op : snapshot.operations(caller.name())) {
      if (callerOperation == null || op.getOperation().equals(callerOperation)) {
        visits += op.getVisits();
      }
    }
    return visits == 0 ? null : Figures.round((double) stats.getCalls() / visits);
  }

  static String kindName(CallKind kind) {
    return kind.name().replace("CALL_KIND_", "").toLowerCase(Locale.ROOT);
  }
}
