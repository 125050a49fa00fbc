package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.detect.Propagation.ms;
import static dev.faultline.analyzer.detect.Propagation.round;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Amplification;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.proto.CallKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cascading latency and error cascades: finds the node whose <em>own</em> contribution changed
 * while its callers only inherited it, and the way the failure travels up to the entry points.
 *
 * <p>Signals, per node, in extra milliseconds per entry request (so a deep but busy node and a
 * shallow one compare fairly): a service's self time (work it does itself: slower code, CPU
 * contention); the network gap on its links (client minus server duration: a slow network,
 * attributed to the node whose links rose in the largest share); for a database, queue or
 * uninstrumented peer, the latency of the calls into it; errors a node originates that its own
 * callees do not explain. Callers that only inherited the slowness have no such signal: their self
 * time excludes the calls they wait on.
 *
 * <p>Classified as a retry storm when retries on the path rose, a shared dependency when two or
 * more caller services degrade with it, an error cascade when errors outweigh latency.
 */
final class CascadeDetector {
  private final DetectionSettings settings;

  CascadeDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  Optional<Diagnosis> diagnose(Findings findings) {
    Contributions contributions = contributions(findings);
    List<Contributions.Node> ranked = contributions.ranked();
    if (ranked.isEmpty()) {
      return Optional.empty();
    }
    Contributions.Node root = ranked.get(0);
    Double explained = explainedShare(findings, root);
    if ((explained == null || explained < settings.minExplainedShare())
        && strongestRatio(root) < settings.strongRatio()) {
      return Optional.empty(); // users do not see it, and it is not severe where it is
    }
    String rootOperation = root.key.isService() ? root.operation() : null;
    Propagation.Result propagation = Propagation.trace(findings, root.key, rootOperation);
    if (impactOnReachedEntries(findings, root, propagation) < settings.minImpactMs()) {
      return Optional.empty();
    }
    List<Diagnosis.Scored> candidates = new ArrayList<>();
    for (Contributions.Node node : ranked) {
      candidates.add(
          new Diagnosis.Scored(
              node.key, node.key.isService() ? node.operation() : null, node.total()));
    }
    List<Amplification> amplification = amplification(findings, root.key, propagation);
    IncidentType type = classify(findings, root, propagation, amplification);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("latencyImpactMs", Propagation.round(root.latencyMs));
    details.put("errorImpactMs", Propagation.round(root.errorMs));
    return Optional.of(
        new Diagnosis(
            type,
            root.key,
            rootOperation,
            root.total(),
            root.evidence,
            candidates,
            propagation.path(),
            propagation.atRisk(),
            propagation.entryPoints(),
            explained,
            EntryImpact.severity(findings),
            amplification,
            details,
            findings.exemplars(root.key, rootOperation)));
  }

  Contributions contributions(Findings findings) {
    Contributions out = new Contributions();
    double entries = findings.entries();
    // A service's own work.
    for (Findings.Operation op : findings.operations().values()) {
      if (findings.risen(op.selfTime())) {
        double ms = op.selfTime().meanDelta() / 1_000 * op.visits() / entries;
        out.latency(
            NodeKey.service(op.key().service()),
            op.key().operation(),
            ms,
            new Evidence(
                "selfTimeP90 " + op.key().operation(),
                ms(op.selfTime().beforeP90()),
                ms(op.selfTime().nowP90()),
                "ms"));
      }
    }
    networkAndDependencies(findings, out, entries);
    errors(findings, out, entries);
    return out;
  }

  /** Network gaps, attributed by share of risen links; latency into non-service nodes. */
  private void networkAndDependencies(Findings findings, Contributions out, double entries) {
    Map<NodeKey, double[]> in = new HashMap<>(); // sum ms, risen, total
    Map<NodeKey, double[]> outgoing = new HashMap<>();
    Map<NodeKey, List<Evidence>> inEvidence = new HashMap<>();
    Map<NodeKey, List<Evidence>> outEvidence = new HashMap<>();
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (key.kind() == CallKind.CALL_KIND_SYNC && edge.gap().samples() >= settings.minSamples()) {
        double[] callee = in.computeIfAbsent(key.callee(), k -> new double[3]);
        double[] caller = outgoing.computeIfAbsent(key.caller(), k -> new double[3]);
        callee[2]++;
        caller[2]++;
        if (findings.risen(edge.gap())) {
          double ms = edge.gap().meanDelta() / 1_000 * edge.calls() / entries;
          Evidence evidence =
              new Evidence(
                  "networkGapP90 " + key.caller().name() + "->" + key.callee().name(),
                  ms(edge.gap().beforeP90()),
                  ms(edge.gap().nowP90()),
                  "ms");
          callee[0] += ms;
          callee[1]++;
          caller[0] += ms;
          caller[1]++;
          inEvidence.computeIfAbsent(key.callee(), k -> new ArrayList<>()).add(evidence);
          outEvidence.computeIfAbsent(key.caller(), k -> new ArrayList<>()).add(evidence);
        }
      }
      boolean dependency =
          key.kind() == CallKind.CALL_KIND_DATABASE
              || key.kind() == CallKind.CALL_KIND_VIRTUAL
              || key.kind() == CallKind.CALL_KIND_PRODUCE;
      if (dependency && findings.risen(edge.client())) {
        double ms = edge.client().meanDelta() / 1_000 * edge.calls() / entries;
        out.latency(
            key.callee(),
            null,
            ms,
            new Evidence(
                "latencyP90 " + key.caller().name() + "->" + key.callee().name(),
                ms(edge.client().beforeP90()),
                ms(edge.client().nowP90()),
                "ms"));
      }
    }
    // A node whose links all slowed is the cause; a caller that slowed on one of many is not.
    in.forEach(
        (node, sum) -> {
          if (sum[1] > 0) {
            double share = sum[1] / sum[2];
            out.latency(node, null, sum[0] * share, inEvidence.get(node));
          }
        });
    outgoing.forEach(
        (node, sum) -> {
          if (sum[1] > 1) {
            double share = sum[1] / sum[2];
            out.latency(node, null, sum[0] * share, outEvidence.get(node));
          }
        });
  }

  /** Errors a node originates: its error rise minus what its own outgoing calls explain. */
  private void errors(Findings findings, Contributions out, double entries) {
    Map<OperationKey, Double> inherited = new HashMap<>();
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (!key.caller().isService() || key.kind() == CallKind.CALL_KIND_ENTRY) {
        continue;
      }
      OperationKey caller = new OperationKey(key.caller().name(), key.callerOperation());
      Findings.Operation op = findings.operations().get(caller);
      if (op == null || op.visits() == 0 || !findings.risen(edge.errors())) {
        continue;
      }
      double perVisit = (edge.errors().now() - edge.errors().before()) * edge.calls() / op.visits();
      inherited.merge(caller, perVisit, Math::max);
      if (!key.callee().isService()) {
        // Nothing downstream of a database or peer explains its errors: they are its own.
        double perEntry = (edge.errors().now() - edge.errors().before()) * edge.calls() / entries;
        out.errors(
            key.callee(),
            null,
            perEntry,
            new Evidence(
                "errorRate " + key.caller().name() + "->" + key.callee().name(),
                round(edge.errors().before()),
                round(edge.errors().now()),
                "ratio"));
      }
    }
    for (Findings.Operation op : findings.operations().values()) {
      if (!findings.risen(op.errors())) {
        continue;
      }
      double rise = op.errors().now() - op.errors().before();
      double own = rise - inherited.getOrDefault(op.key(), 0.0);
      if (own > settings.errorMinRate() / 2) {
        out.errors(
            NodeKey.service(op.key().service()),
            op.key().operation(),
            own * op.visits() / entries,
            new Evidence(
                "errorRate " + op.key().operation(),
                round(op.errors().before()),
                round(op.errors().now()),
                "ratio"));
      }
    }
  }

  private IncidentType classify(
      Findings findings,
      Contributions.Node root,
      Propagation.Result propagation,
      List<Amplification> amplification) {
    for (Amplification edge : amplification) {
      if (edge.retryShare() >= settings.retry().minShare()
          && edge.factor() >= edge.baseline() * settings.retry().minAmplification()) {
        return IncidentType.RETRY_STORM;
      }
    }
    Set<String> degradedCallers = new LinkedHashSet<>();
    for (OperationKey caller : Propagation.callersOf(findings, root.key, null)) {
      Findings.Operation op = findings.operations().get(caller);
      if (op != null && findings.degraded(op) && !caller.service().equals(root.key.name())) {
        degradedCallers.add(caller.service());
      }
    }
    if (degradedCallers.size() >= 2 && !root.key.isService()) {
      return IncidentType.SHARED_DEPENDENCY;
    }
    if (degradedCallers.size() >= 3) {
      return IncidentType.SHARED_DEPENDENCY;
    }
    return root.errorMs > root.latencyMs
        ? IncidentType.ERROR_CASCADE
        : IncidentType.CASCADING_LATENCY;
  }

  /**
   * Load multiplication on the edges into the root and along the path: calls now per request the
   * caller received, against the baseline, with the retry share.
   */
  private static List<Amplification> amplification(
      Findings findings, NodeKey root, Propagation.Result propagation) {
    Set<NodeKey> onPath = new LinkedHashSet<>();
    propagation.path().forEach(p -> onPath.add(p.node()));
    List<Amplification> out = new ArrayList<>();
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (!onPath.contains(key.callee()) || !onPath.contains(key.caller())) {
        continue;
      }
      if (edge.perVisit().expected() == 0 && edge.perVisit().now() == 0) {
        continue;
      }
      if (edge.retries().now() == 0 && edge.perVisit().now() <= edge.perVisit().before()) {
        continue;
      }
      out.add(
          new Amplification(
              key.caller().toString(),
              key.callee().toString(),
              round(edge.perVisit().now()),
              round(edge.perVisit().before()),
              round(edge.retries().now())));
    }
    return out;
  }

  /**
   * The share of the entry points' degradation (extra latency, and errors as 1 s each, per entry
   * request) that the root's own contribution explains; null when no entry point degraded.
   */
  private static Double explainedShare(Findings findings, Contributions.Node root) {
    double entryRise = 0;
    for (Findings.Operation op : findings.operations().values()) {
      if (op.entryVisits() == 0) {
        continue;
      }
      double share = (double) op.entryVisits() / findings.entries();
      if (findings.risen(op.duration())) {
        entryRise += Math.max(0, op.duration().meanDelta()) / 1_000 * share;
      }
      if (findings.risen(op.errors())) {
        entryRise +=
            (op.errors().now() - op.errors().before()) * Contributions.MS_PER_ERROR * share;
      }
    }
    if (entryRise <= 0 || root.total() <= 0) {
      return null;
    }
    return round(Math.min(1, root.total() / entryRise));
  }

  /**
   * The root's contribution per request entering through the degraded entry operations it reaches
   * (per request entering the system when it reaches none). Contributions are per request entering
   * the system, so that candidates compare on one scale; but measured against the minimum impact
   * that scale lets unrelated traffic dilute a failure away: a subsystem taking 3 % of the entry
   * requests, 150 ms slower, is 4.5 ms per request of its own and 0.5 ms per request of the whole.
   */
  static double impactOnReachedEntries(
      Findings findings, Contributions.Node root, Propagation.Result propagation) {
    java.util.Set<String> reached = java.util.Set.copyOf(propagation.entryPoints());
    long entering = 0;
    for (Findings.Operation op : findings.operations().values()) {
      if (op.entryVisits() > 0 && reached.contains(op.key().toString())) {
        entering += op.entryVisits();
      }
    }
    return entering == 0 ? root.total() : root.total() * findings.entries() / entering;
  }

  /** The largest now/before ratio among the root's latency evidence. */
  private double strongestRatio(Contributions.Node root) {
    double strongest = 0;
    for (Evidence evidence : root.evidence) {
      if (evidence.unit().equals("ms") && evidence.before() > 0) {
        strongest = Math.max(strongest, evidence.now() / evidence.before());
      } else if (evidence.unit().equals("ratio")
          && evidence.now() - evidence.before() >= settings.limits().strongErrorRise()) {
        strongest = Double.POSITIVE_INFINITY; // calls newly failing this much are severe anywhere
      }
    }
    return strongest;
  }
}
