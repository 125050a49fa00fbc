package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.proto.CallKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The way a failure travels: from the root cause up through the callers that got slower or fail
 * more, to the entry points they serve. Breadth-first over the edges into each degraded node, so
 * the path found to each entry point is the shortest.
 */
public final class Propagation {
  private Propagation() {}

  /**
   * The main path, the callers at risk, and the degraded entry points.
   *
   * @param path the nodes from the root up to the most degraded entry point reached
   * @param atRisk callers on the way that are not degraded yet
   * @param entryPoints the degraded entry operations reached
   */
  public record Result(
      List<Diagnosis.PathNode> path, List<NodeKey> atRisk, List<String> entryPoints) {}

  /** The way a failure at {@code root} ({@code rootOperation}, or null) travels up. */
  public static Result trace(Findings findings, NodeKey root, String rootOperation) {
    Map<OperationKey, OperationKey> parent = new HashMap<>();
    Deque<OperationKey> queue = new ArrayDeque<>();
    Set<OperationKey> seen = new LinkedHashSet<>();
    Set<NodeKey> atRisk = new LinkedHashSet<>();
    List<OperationKey> entries = new ArrayList<>();
    OperationKey start = new OperationKey(root.name(), rootOperation == null ? "" : rootOperation);
    // Callers of the root: any of its operations (or the node as a whole for non-services).
    for (OperationKey caller : callersOf(findings, root, root.isService() ? rootOperation : null)) {
      visit(findings, caller, start, parent, queue, seen, atRisk);
    }
    Findings.Operation rootOp = root.isService() ? findings.operations().get(start) : null;
    if (rootOp != null && rootOp.entryVisits() > 0 && findings.degraded(rootOp)) {
      entries.add(start);
    }
    while (!queue.isEmpty()) {
      OperationKey op = queue.poll();
      Findings.Operation stats = findings.operations().get(op);
      if (stats != null && stats.entryVisits() > 0) {
        entries.add(op);
      }
      for (OperationKey caller :
          callersOf(findings, NodeKey.service(op.service()), op.operation())) {
        visit(findings, caller, op, parent, queue, seen, atRisk);
      }
    }
    // The main path ends at the most degraded entry point reached.
    OperationKey end =
        entries.stream()
            .max(
                Comparator.comparingDouble((OperationKey e) -> degradation(findings, e))
                    .thenComparing(e -> e))
            .orElse(null);
    List<Diagnosis.PathNode> path = new ArrayList<>();
    path.add(new Diagnosis.PathNode(root, rootOperation, "root", evidence(findings, start)));
    if (end != null && !end.equals(start)) {
      List<OperationKey> chain = new ArrayList<>();
      for (OperationKey op = end; op != null && !op.equals(start); op = parent.get(op)) {
        chain.add(op);
      }
      for (int i = chain.size() - 1; i >= 0; i--) {
        OperationKey op = chain.get(i);
        path.add(
            new Diagnosis.PathNode(
                NodeKey.service(op.service()),
                op.operation(),
                i == 0 ? "entry" : "propagating",
                evidence(findings, op)));
      }
    }
    Set<NodeKey> onPath = new LinkedHashSet<>();
    path.forEach(p -> onPath.add(p.node()));
    atRisk.removeAll(onPath);
    for (OperationKey op : seen) {
      atRisk.remove(NodeKey.service(op.service()));
    }
    return new Result(
        path,
        List.copyOf(atRisk),
        entries.stream().map(OperationKey::toString).distinct().toList());
  }

  private static void visit(
      Findings findings,
      OperationKey caller,
      OperationKey from,
      Map<OperationKey, OperationKey> parent,
      Deque<OperationKey> queue,
      Set<OperationKey> seen,
      Set<NodeKey> atRisk) {
    if (seen.contains(caller)) {
      return;
    }
    Findings.Operation stats = findings.operations().get(caller);
    if (stats != null && findings.degraded(stats)) {
      seen.add(caller);
      parent.put(caller, from);
      queue.add(caller);
    } else {
      atRisk.add(NodeKey.service(caller.service()));
    }
  }

  /** The service operations calling {@code node} (its {@code operation}, when given). */
  public static List<OperationKey> callersOf(Findings findings, NodeKey node, String operation) {
    Set<OperationKey> out = new LinkedHashSet<>();
    for (EdgeKey edge : findings.edges().keySet()) {
      if (!edge.callee().equals(node) || !edge.caller().isService()) {
        continue;
      }
      if (edge.kind() == CallKind.CALL_KIND_ENTRY) {
        continue;
      }
      if (operation != null && node.isService() && !edge.calleeOperation().equals(operation)) {
        continue;
      }
      if (findings.edges().get(edge).calls() == 0) {
        continue;
      }
      out.add(new OperationKey(edge.caller().name(), edge.callerOperation()));
    }
    return List.copyOf(out);
  }

  private static double degradation(Findings findings, OperationKey op) {
    Findings.Operation stats = findings.operations().get(op);
    if (stats == null) {
      return 0;
    }
    return Math.max(0, stats.duration().meanDelta()) * stats.visits()
        + stats.errors().now() * stats.visits() * 1_000_000;
  }

  /** The figures of an operation that show its state: latency, then errors. */
  public static List<Evidence> evidence(Findings findings, OperationKey op) {
    Findings.Operation stats = findings.operations().get(op);
    List<Evidence> out = new ArrayList<>();
    if (stats == null) {
      return out;
    }
    Stats.Shift d = stats.duration();
    if (d.samples() > 0) {
      out.add(new Evidence("latencyP90", ms(d.beforeP90()), ms(d.nowP90()), "ms"));
    }
    if (stats.errors().samples() > 0 && (stats.errors().now() > 0 || stats.errors().before() > 0)) {
      out.add(
          new Evidence(
              "errorRate", round(stats.errors().before()), round(stats.errors().now()), "ratio"));
    }
    return out;
  }

  /** Microseconds as milliseconds, to two decimals. */
  public static double ms(double micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  /** Four decimals. */
  public static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }
}
