package dev.faultline.analyzer.detect.retry;

import static dev.faultline.analyzer.detect.Propagation.round;

import dev.faultline.analyzer.detect.DetectionSettings;
import dev.faultline.analyzer.detect.Diagnosis;
import dev.faultline.analyzer.detect.EntryImpact;
import dev.faultline.analyzer.detect.Findings;
import dev.faultline.analyzer.detect.Propagation;
import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Amplification;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.InstanceStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Retry storms. A <em>storm edge</em> is a call from a service whose calls are now at least {@code
 * retry.min.share} retries, significantly more than in the baseline ({@code error.z}), and which
 * makes more calls per caller request than it did. From the deepest storm edge, the path goes up
 * through the busiest callers to an entry operation; the product of calls per caller request along
 * it is the load multiplication (requests arriving at the bottom per request entering at the top).
 * A storm is diagnosed when that product reaches {@code retry.min.amplification} x the baseline's.
 *
 * <p>The root cause is the callee of the deepest storm edge (its slowness or errors set the retries
 * off), unless one instance of the caller makes nearly all the retries (at most {@code
 * retry.instance.share} by its siblings): then the retries are that instance's own settings, and
 * its service is the root. The detector remembers the root while the storm lasts (any storm edge
 * between the same services as before): a storm that outlives its trigger keeps naming it, and is
 * <b>metastable</b> when the root's own latency and errors are back to the baseline, or its
 * completed requests per second reached {@code retry.recovered.ratio} x their rate at the onset
 * (its capacity came back) while the retries go on.
 *
 * <p>Stateful, but deterministic: the same windows give the same diagnoses.
 */
public final class RetryStormDetector {
  private final DetectionSettings settings;
  private final DetectionSettings.Retry retry;
  private Storm active;

  public RetryStormDetector(DetectionSettings settings) {
    this.settings = settings;
    this.retry = settings.retry();
  }

  /** The storm being followed: its root, where it started, and the edges it runs on. */
  private static final class Storm {
    NodeKey root;
    String rootOperation;
    String cause;
    boolean byInstance;
    long onsetMs;
    double onsetRate;
    Set<String> links = new LinkedHashSet<>();
  }

  public Optional<Diagnosis> diagnose(Findings findings) {
    List<Findings.Edge> storm = stormEdges(findings);
    if (storm.isEmpty()) {
      active = null;
      return Optional.empty();
    }
    StormPath path = null;
    Findings.Edge bottom = null;
    for (Findings.Edge edge : bottoms(storm)) {
      StormPath candidate = StormPath.to(findings, edge);
      if (candidate.relative() >= retry.minAmplification()
          && (path == null || candidate.relative() > path.relative())) {
        path = candidate;
        bottom = edge;
      }
    }
    if (path == null) {
      active = null;
      return Optional.empty();
    }
    Set<String> links = new LinkedHashSet<>();
    storm.forEach(e -> links.add(link(e.key())));
    if (active == null || links.stream().noneMatch(active.links::contains)) {
      active = start(findings, bottom);
    }
    active.links.addAll(links);
    boolean recovered = recovered(findings, active);
    return Optional.of(diagnosis(findings, storm, path, bottom, recovered));
  }

  /** Edges from services whose calls are largely, and newly, retries that multiply the load. */
  private List<Findings.Edge> stormEdges(Findings findings) {
    List<Findings.Edge> out = new ArrayList<>();
    for (Findings.Edge edge : findings.edges().values()) {
      CallKind kind = edge.key().kind();
      if (!edge.key().caller().isService()
          || kind == CallKind.CALL_KIND_ENTRY
          || kind == CallKind.CALL_KIND_CONSUME
          || edge.calls() < settings.minSamples()) {
        continue;
      }
      if (edge.retries().now() >= retry.minShare()
          && edge.retries().z() >= settings.errorZ()
          && edge.perVisit().now() > edge.perVisit().before()) {
        out.add(edge);
      }
    }
    return out;
  }

  /** Storm edges whose callee makes no storm calls of its own: where the retries end. */
  private static List<Findings.Edge> bottoms(List<Findings.Edge> storm) {
    Set<NodeKey> callers = new LinkedHashSet<>();
    storm.forEach(e -> callers.add(e.key().caller()));
    List<Findings.Edge> out = new ArrayList<>();
    for (Findings.Edge edge : storm) {
      if (!callers.contains(edge.key().callee())) {
        out.add(edge);
      }
    }
    if (out.isEmpty()) {
      out.addAll(storm); // a loop of retries: judge every edge
    }
    out.sort(Comparator.comparing(Findings.Edge::key));
    return out;
  }

  private Storm start(Findings findings, Findings.Edge bottom) {
    Storm storm = new Storm();
    EdgeKey key = bottom.key();
    String instance = retryingInstance(findings, key);
    storm.byInstance = instance != null;
    if (instance != null) {
      storm.root = key.caller();
      storm.rootOperation = key.callerOperation();
      storm.cause = "retries of instance " + instance;
    } else {
      trigger(findings, storm, key);
      storm.cause = "slow or failing " + storm.root.name();
    }
    storm.onsetMs = findings.current().fromMs();
    storm.onsetRate = rate(findings, storm);
    return storm;
  }

  /**
   * The node whose own slowness or errors set the retries off: from the callee of the deepest storm
   * edge, down through the calls whose errors or latency rose (what it only inherited), to the
   * deepest one. A peer that took the name of a service (its server spans came too late to pair) is
   * that service.
   */
  private void trigger(Findings findings, Storm storm, EdgeKey bottom) {
    NodeKey node = asService(findings, bottom.callee());
    String operation = bottom.calleeOperation();
    Set<NodeKey> seen = new LinkedHashSet<>();
    while (node.isService() && seen.add(node)) {
      Findings.Edge worst = null;
      double worstScore = 0;
      for (Findings.Edge edge : findings.edges().values()) {
        EdgeKey key = edge.key();
        if (!key.caller().equals(node)
            || !key.callerOperation().equals(operation)
            || key.kind() == CallKind.CALL_KIND_PRODUCE
            || edge.calls() < settings.minSamples()) {
          continue;
        }
        double score = 0;
        if (findings.risen(edge.errors())) {
          score += (edge.errors().now() - edge.errors().before()) * 1_000;
        }
        if (findings.risen(edge.client())) {
          score += Math.max(0, edge.client().meanDelta()) / 1_000;
        }
        if (score > worstScore) {
          worst = edge;
          worstScore = score;
        }
      }
      if (worst == null) {
        break;
      }
      node = asService(findings, worst.key().callee());
      operation = worst.key().calleeOperation();
    }
    storm.root = node;
    storm.rootOperation = node.isService() ? operation : null;
  }

  private static NodeKey asService(Findings findings, NodeKey node) {
    if (node.isService()) {
      return node;
    }
    for (OperationKey op : findings.operations().keySet()) {
      if (op.service().equals(node.name())) {
        return NodeKey.service(node.name());
      }
    }
    return node;
  }

  /**
   * The caller instance that makes nearly all the retries of an edge while siblings call it too, or
   * null.
   */
  private String retryingInstance(Findings findings, EdgeKey key) {
    EdgeStats stats = findings.current().edges().get(key);
    if (stats == null || stats.getCallerInstancesCount() < 2) {
      return null;
    }
    long total = 0;
    InstanceStats top = null;
    int calling = 0;
    for (InstanceStats instance : stats.getCallerInstancesList()) {
      total += instance.getRetries();
      if (instance.getCount() >= settings.minSamples()) {
        calling++;
      }
      if (top == null || instance.getRetries() > top.getRetries()) {
        top = instance;
      }
    }
    if (calling < 2 || total < settings.minSamples()) {
      return null;
    }
    double others = (total - top.getRetries()) / (double) total;
    return others <= retry.instanceShare() ? top.getInstance() : null;
  }

  /** The root's completed requests per window now. */
  private double rate(Findings findings, Storm storm) {
    if (storm.root.isService()) {
      Findings.Operation op =
          findings.operations().get(new OperationKey(storm.root.name(), storm.rootOperation));
      return op == null ? 0 : op.visits() / (double) settings.currentWindows();
    }
    long calls = 0;
    for (Findings.Edge edge : findings.edges().values()) {
      if (edge.key().callee().equals(storm.root)) {
        calls += edge.calls();
      }
    }
    return calls / (double) settings.currentWindows();
  }

  /** Whether the trigger is over: the root's own figures are back, or its capacity is. */
  private boolean recovered(Findings findings, Storm storm) {
    if (storm.byInstance) {
      return false; // the instance's own retries are the trigger: they end with the storm
    }
    if (storm.onsetRate > 0 && rate(findings, storm) >= retry.recoveredRatio() * storm.onsetRate) {
      return true;
    }
    if (storm.root.isService()) {
      Findings.Operation op =
          findings.operations().get(new OperationKey(storm.root.name(), storm.rootOperation));
      return op != null
          && op.visits() >= settings.minSamples()
          && !findings.risen(op.selfTime())
          && !findings.risen(op.errors());
    }
    boolean seen = false;
    for (Findings.Edge edge : findings.edges().values()) {
      if (edge.key().callee().equals(storm.root) && edge.calls() >= settings.minSamples()) {
        seen = true;
        if (findings.risen(edge.client()) || findings.risen(edge.errors())) {
          return false;
        }
      }
    }
    return seen;
  }

  private Diagnosis diagnosis(
      Findings findings,
      List<Findings.Edge> storm,
      StormPath path,
      Findings.Edge bottom,
      boolean recovered) {
    NodeKey root = active.root;
    String rootOperation = active.rootOperation;
    List<Amplification> amplification = new ArrayList<>();
    for (Findings.Edge edge : path.edges()) {
      amplification.add(
          new Amplification(
              edge.key().caller().toString(),
              edge.key().callee().toString(),
              round(edge.perVisit().now()),
              round(edge.perVisit().before()),
              round(edge.retries().now())));
    }
    List<Evidence> rootEvidence = new ArrayList<>();
    if (root.isService()) {
      rootEvidence.addAll(
          Propagation.evidence(findings, new OperationKey(root.name(), rootOperation)));
    }
    rootEvidence.add(
        new Evidence(
            "retryShare " + bottom.key().caller().name() + "->" + bottom.key().callee().name(),
            round(bottom.retries().before()),
            round(bottom.retries().now()),
            "ratio"));
    rootEvidence.add(
        new Evidence("pathAmplification", round(path.before()), round(path.now()), "ratio"));
    // The path: the root, then the storm's chain from its bottom up to the entry point.
    List<Diagnosis.PathNode> hops = new ArrayList<>();
    hops.add(new Diagnosis.PathNode(root, rootOperation, "root", rootEvidence));
    Set<NodeKey> onPath = new LinkedHashSet<>();
    onPath.add(root);
    List<Findings.Edge> edges = path.edges();
    String entry = null;
    for (int i = edges.size() - 1; i >= -1; i--) {
      NodeKey node;
      String operation;
      if (i == edges.size() - 1) {
        node = asService(findings, edges.get(i).key().callee());
        operation = node.isService() ? edges.get(i).key().calleeOperation() : null;
      } else if (i >= 0) {
        node = edges.get(i).key().callee();
        operation = edges.get(i).key().calleeOperation();
      } else {
        node = edges.get(0).key().caller();
        operation = edges.get(0).key().callerOperation();
      }
      if (!onPath.add(node)) {
        continue;
      }
      OperationKey op = node.isService() ? new OperationKey(node.name(), operation) : null;
      Findings.Operation stats = op == null ? null : findings.operations().get(op);
      boolean top = i == -1 && stats != null && stats.entryVisits() > 0;
      if (top) {
        entry = op.toString();
      }
      hops.add(
          new Diagnosis.PathNode(
              node,
              operation,
              top ? "entry" : "propagating",
              op == null ? List.of() : Propagation.evidence(findings, op)));
    }
    List<Diagnosis.Scored> candidates = new ArrayList<>();
    double extra = Math.max(0, path.now() - path.before());
    candidates.add(new Diagnosis.Scored(root, rootOperation, extra));
    if (!root.equals(bottom.key().callee())) {
      candidates.add(
          new Diagnosis.Scored(
              bottom.key().callee(),
              bottom.key().callee().isService() ? bottom.key().calleeOperation() : null,
              extra / 2));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("cause", active.cause);
    details.put("pathAmplification", round(path.now()));
    details.put("pathAmplificationBaseline", round(path.before()));
    details.put("retryShare", round(bottom.retries().now()));
    details.put("stormEdges", storm.size());
    details.put("stormSince", Instant.ofEpochMilli(active.onsetMs).toString());
    details.put("metastable", recovered);
    details.put("trigger", recovered ? "recovered" : "active");
    details.put("rootRatePerSecondAtOnset", round(active.onsetRate * 1_000 / windowMs(findings)));
    details.put("rootRatePerSecond", round(rate(findings, active) * 1_000 / windowMs(findings)));
    return new Diagnosis(
        IncidentType.RETRY_STORM,
        root,
        rootOperation,
        extra,
        rootEvidence,
        candidates,
        hops,
        List.of(),
        entry == null ? List.of() : List.of(entry),
        null,
        EntryImpact.severity(findings),
        amplification,
        details,
        findings.exemplars(bottom.key().callee(), null));
  }

  private static double windowMs(Findings findings) {
    var current = findings.current();
    return current.windows() == 0
        ? 1
        : Math.max(1, (current.toMs() - current.fromMs()) / (double) current.windows());
  }

  /** Services (or nodes) an edge connects, whatever the operations. */
  private static String link(EdgeKey key) {
    return key.caller().name() + ">" + key.callee().name();
  }
}
