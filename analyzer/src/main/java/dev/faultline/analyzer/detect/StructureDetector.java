package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.detect.Propagation.round;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import dev.faultline.schemas.proto.CallKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Structural change: an operation whose downstream call pattern changed (calls per request to some
 * callee rose or fell, calls vanished, new ones appeared) is a root-cause candidate even when no
 * status code says error: code that returns early, throws, or takes another branch.
 *
 * <p>When two or more caller services changed and still call one callee, that shared callee is the
 * better candidate: its answers changed, and each caller reacts by skipping what followed (what an
 * error or an empty response does to a caller that handles it).
 */
final class StructureDetector {
  private final DetectionSettings settings;

  StructureDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  Optional<Diagnosis> diagnose(Findings findings) {
    Map<String, Double> changedCallers = new TreeMap<>();
    Map<String, List<Evidence>> evidence = new TreeMap<>();
    Map<String, String> operationOf = new TreeMap<>();
    Map<String, Double> bestOperation = new TreeMap<>();
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (!key.caller().isService() || key.kind() == CallKind.CALL_KIND_ENTRY) {
        continue;
      }
      if (!findings.changed(edge.perVisit())) {
        continue;
      }
      OperationKey callerOp = new OperationKey(key.caller().name(), key.callerOperation());
      Findings.Operation op = findings.operations().get(callerOp);
      if (op == null || op.visits() < settings.minSamples()) {
        continue;
      }
      double delta =
          Math.abs(edge.perVisit().now() - edge.perVisit().before())
              * op.visits()
              / findings.entries();
      changedCallers.merge(callerOp.service(), delta, Double::sum);
      evidence
          .computeIfAbsent(callerOp.service(), s -> new ArrayList<>())
          .add(
              new Evidence(
                  "callsPerRequest "
                      + callerOp.operation()
                      + "->"
                      // A service by its name; other nodes by type too, as "virtual:cart" and the
                      // service "cart" are different callees.
                      + (key.callee().isService() ? key.callee().name() : key.callee().toString())
                      + " "
                      + key.calleeOperation(),
                  round(edge.perVisit().before()),
                  round(edge.perVisit().now()),
                  "count"));
      if (delta > bestOperation.getOrDefault(callerOp.service(), 0.0)) {
        bestOperation.put(callerOp.service(), delta);
        operationOf.put(callerOp.service(), callerOp.operation());
      }
    }
    if (changedCallers.isEmpty()) {
      return Optional.empty();
    }
    // Callees still called by two or more changed caller services.
    Map<NodeKey, Set<String>> callersOf = new TreeMap<>();
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (edge.calls() == 0 || !changedCallers.containsKey(key.caller().name())) {
        continue;
      }
      if (key.callee().isService() && changedCallers.containsKey(key.callee().name())) {
        continue;
      }
      callersOf.computeIfAbsent(key.callee(), k -> new TreeSet<>()).add(key.caller().name());
    }
    Map<NodeKey, Double> scores = new LinkedHashMap<>();
    changedCallers.forEach((service, delta) -> scores.put(NodeKey.service(service), delta));
    callersOf.forEach(
        (callee, callers) -> {
          if (callers.size() >= 2) {
            double sum = callers.stream().mapToDouble(changedCallers::get).sum();
            scores.merge(callee, sum * settings.limits().sharedCalleeFactor(), Math::max);
          }
        });
    List<Diagnosis.Scored> ranked = new ArrayList<>();
    scores.forEach(
        (node, score) ->
            ranked.add(
                new Diagnosis.Scored(
                    node, node.isService() ? operationOf.get(node.name()) : null, score)));
    ranked.sort(
        (a, b) -> {
          int byScore = Double.compare(b.impactMs(), a.impactMs());
          return byScore != 0 ? byScore : a.node().compareTo(b.node());
        });
    Diagnosis.Scored root = ranked.get(0);
    if (root.impactMs() < settings.limits().structureMinImpact()) {
      return Optional.empty();
    }
    List<Evidence> rootEvidence = new ArrayList<>();
    if (changedCallers.containsKey(root.node().name()) && root.node().isService()) {
      rootEvidence.addAll(evidence.get(root.node().name()));
    } else {
      for (String caller : callersOf.get(root.node())) {
        rootEvidence.addAll(evidence.get(caller));
      }
    }
    Propagation.Result propagation = Propagation.trace(findings, root.node(), root.operation());
    return Optional.of(
        new Diagnosis(
            IncidentType.TOPOLOGY_DRIFT,
            root.node(),
            root.operation(),
            root.impactMs(),
            rootEvidence,
            ranked,
            propagation.path(),
            propagation.atRisk(),
            propagation.entryPoints(),
            null,
            propagation.entryPoints().isEmpty() ? Severity.MINOR : Severity.MAJOR,
            List.of(),
            Map.of("changedCallers", List.copyOf(changedCallers.keySet())),
            findings.exemplars(root.node(), root.operation())));
  }
}
