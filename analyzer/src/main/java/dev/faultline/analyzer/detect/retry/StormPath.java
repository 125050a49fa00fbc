package dev.faultline.analyzer.detect.retry;

import dev.faultline.analyzer.detect.Findings;
import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.schemas.proto.CallKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The chain of calls from an entry operation down to one edge, and the load it multiplies: the
 * product of the calls per caller request of every edge on it, now and in the baseline, so the
 * requests arriving at the bottom per request entering at the top.
 *
 * @param edges the edges from the top down; the last one is the edge the chain was built for
 * @param now requests at the bottom per request at the top, now
 * @param before the same in the baseline
 */
record StormPath(List<Findings.Edge> edges, double now, double before) {
  StormPath {
    edges = List.copyOf(edges);
  }

  /** How many times the baseline's multiplication the path multiplies now. */
  double relative() {
    return before > 0 ? now / before : now;
  }

  /** The path down to {@code bottom}, following the busiest caller of every operation upwards. */
  static StormPath to(Findings findings, Findings.Edge bottom) {
    List<Findings.Edge> up = new ArrayList<>();
    up.add(bottom);
    Set<OperationKey> seen = new HashSet<>();
    OperationKey op = callerOf(bottom.key());
    while (op != null && seen.add(op)) {
      Findings.Operation stats = findings.operations().get(op);
      if (stats != null && stats.entryVisits() > 0 && stats.entryVisits() * 2 >= stats.visits()) {
        break; // requests enter here: the top
      }
      Findings.Edge caller = busiestCaller(findings, op);
      if (caller == null) {
        break;
      }
      up.add(caller);
      op = callerOf(caller.key());
    }
    List<Findings.Edge> down = new ArrayList<>();
    double now = 1;
    double before = 1;
    for (int i = up.size() - 1; i >= 0; i--) {
      Findings.Edge edge = up.get(i);
      down.add(edge);
      if (edge.perVisit().expected() > 0 || edge.perVisit().observed() > 0) {
        now *= edge.perVisit().now();
        before *= edge.perVisit().before();
      }
    }
    return new StormPath(down, now, before);
  }

  private static OperationKey callerOf(EdgeKey key) {
    return key.caller().isService()
        ? new OperationKey(key.caller().name(), key.callerOperation())
        : null;
  }

  private static Findings.Edge busiestCaller(Findings findings, OperationKey op) {
    Findings.Edge best = null;
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (key.kind() == CallKind.CALL_KIND_ENTRY
          || !key.caller().isService()
          || !key.callee().isService()
          || !key.callee().name().equals(op.service())
          || !key.calleeOperation().equals(op.operation())
          || edge.calls() == 0) {
        continue;
      }
      if (best == null || edge.calls() > best.calls()) {
        best = edge;
      }
    }
    return best;
  }
}
