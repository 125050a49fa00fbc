package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Containment;
import dev.faultline.schemas.proto.CallKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.alg.flow.EdmondsKarpMFImpl;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;

/**
 * Where a mechanism would cut the propagation: a minimum edge cut between the root cause and the
 * degraded entry points in the graph of degraded calls (JGraphT, Edmonds-Karp with unit
 * capacities), so the fewest edges that, protected, keep the failure from the users. The mechanism
 * follows the edge: a retry budget where retries multiply load, a bulkhead in front of a shared
 * dependency, else a circuit breaker (with a tight timeout).
 */
final class ContainmentPlanner {
  private static final String SINK = "\u0000users";

  private ContainmentPlanner() {}

  static List<Containment> plan(Findings findings, Diagnosis diagnosis) {
    Graph<String, DefaultWeightedEdge> graph =
        new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
    String source = diagnosis.root().toString();
    graph.addVertex(source);
    graph.addVertex(SINK);
    Set<String> entries = new LinkedHashSet<>();
    for (Diagnosis.PathNode node : diagnosis.path()) {
      if (node.role().equals("entry")) {
        entries.add(node.node().toString());
      }
    }
    for (String entry : diagnosis.entryPoints()) {
      int slash = entry.indexOf('/');
      entries.add(NodeKey.service(slash < 0 ? entry : entry.substring(0, slash)).toString());
    }
    // Edges of propagation: callee -> caller, where the caller operation degraded.
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (!key.caller().isService()
          || key.kind() == CallKind.CALL_KIND_ENTRY
          || edge.calls() == 0) {
        continue;
      }
      Findings.Operation caller =
          findings.operations().get(new OperationKey(key.caller().name(), key.callerOperation()));
      if (caller == null || !findings.degraded(caller) || key.caller().equals(key.callee())) {
        continue;
      }
      String from = key.callee().toString();
      String to = key.caller().toString();
      graph.addVertex(from);
      graph.addVertex(to);
      if (!graph.containsEdge(from, to)) {
        graph.setEdgeWeight(graph.addEdge(from, to), 1.0);
      }
    }
    for (String entry : entries) {
      if (graph.containsVertex(entry) && !entry.equals(source)) {
        graph.setEdgeWeight(graph.addEdge(entry, SINK), 1_000.0);
      }
    }
    if (graph.inDegreeOf(SINK) == 0) {
      return List.of();
    }
    EdmondsKarpMFImpl<String, DefaultWeightedEdge> flow = new EdmondsKarpMFImpl<>(graph);
    flow.calculateMinCut(source, SINK);
    List<Containment> out = new ArrayList<>();
    for (DefaultWeightedEdge edge : flow.getCutEdges()) {
      String callee = graph.getEdgeSource(edge);
      String caller = graph.getEdgeTarget(edge);
      if (caller.equals(SINK)) {
        continue;
      }
      out.add(mechanism(findings, diagnosis, caller, callee));
    }
    out.sort((a, b) -> (a.from() + a.to()).compareTo(b.from() + b.to()));
    return out;
  }

  private static Containment mechanism(
      Findings findings, Diagnosis diagnosis, String caller, String callee) {
    boolean retries = false;
    for (Findings.Edge edge : findings.edges().values()) {
      if (edge.key().caller().toString().equals(caller)
          && edge.key().callee().toString().equals(callee)
          && edge.retries().now() > findings.settings().limits().containmentRetryShare()) {
        retries = true;
      }
    }
    if (retries) {
      return new Containment(
          caller,
          callee,
          "retry-budget",
          "retries on this call multiply the load on "
              + callee
              + "; cap them to a share of requests");
    }
    if (callee.equals(diagnosis.root().toString()) && !diagnosis.root().isService()) {
      return new Containment(
          caller,
          callee,
          "bulkhead",
          "isolate the calls to the shared " + callee + " so its slowness cannot take all workers");
    }
    return new Containment(
        caller,
        callee,
        "circuit-breaker",
        "fail fast (with a tight timeout) on calls to " + callee + " to stop the failure here");
  }
}
