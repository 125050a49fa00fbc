package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.InstanceStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drift between the instances of one service: on an edge whose failures or retries rose, one caller
 * instance fails or retries far more than its siblings calling the same callee. The same callee
 * answering the siblings well means the callee is not the cause; the instance is (its version or
 * its client settings: a timeout too short, too many retries). Its extra attempts may then degrade
 * the callee, which is why this runs before the cascade detector's verdict is taken.
 *
 * <p>Rule, per edge from a service with two or more instances in "now": the edge's failure or retry
 * share rose (the findings' error test), and one instance's share exceeds its siblings' pooled
 * share by at least {@link DetectionSettings.Drift#minShareDelta()} and by a factor of at least
 * {@link DetectionSettings.Drift#ratio()}, with at least {@code minSamples} calls of its own. The
 * root cause is the service (and the calling operation); the evidence names the instance and its
 * version.
 */
final class InstanceDriftDetector {
  /**
   * Thresholds.
   *
   * @param minShareDelta least difference of failure (or retry) share to the siblings
   * @param ratio least factor over the siblings' share
   * @param minSamples fewest calls of the instance
   */
  record Settings(double minShareDelta, double ratio, long minSamples) {
    static Settings of(DetectionSettings settings) {
      return new Settings(
          settings.drift().minShareDelta(), settings.drift().ratio(), settings.minSamples());
    }
  }

  private final Settings settings;

  InstanceDriftDetector(Settings settings) {
    this.settings = settings;
  }

  /** A diverging instance on one edge. */
  record Divergence(
      EdgeKey edge,
      InstanceStats instance,
      String signal,
      double share,
      double siblings,
      String siblingVersions,
      long callerCalls) {}

  Optional<Diagnosis> diagnose(Findings findings) {
    Divergence worst = null;
    for (Findings.Edge edge : findings.edges().values()) {
      EdgeKey key = edge.key();
      if (!key.caller().isService() || key.kind() == CallKind.CALL_KIND_ENTRY) {
        continue;
      }
      if (!findings.risen(edge.errors()) && !findings.risen(edge.retries())) {
        continue;
      }
      EdgeStats now = findings.current().edges().get(key);
      if (now == null || now.getCallerInstancesCount() < 2) {
        continue;
      }
      Divergence divergence = divergence(key, now);
      if (divergence != null
          && (worst == null
              || divergence.share() - divergence.siblings() > worst.share() - worst.siblings())) {
        worst = divergence;
      }
    }
    if (worst == null) {
      return Optional.empty();
    }
    NodeKey root = worst.edge().caller();
    String operation = worst.edge().callerOperation();
    InstanceStats instance = worst.instance();
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        new Evidence(
            worst.signal()
                + " of "
                + instance.getInstance()
                + " (version "
                + instance.getVersion()
                + ") vs its siblings ("
                + worst.siblingVersions()
                + ") calling "
                + worst.edge().callee().name()
                + " "
                + worst.edge().calleeOperation(),
            Propagation.round(worst.siblings()),
            Propagation.round(worst.share()),
            "ratio"));
    // Impact: the instance's extra failures, as a share of the caller's calls on the edge, in the
    // tracker's currency (a failure weighs 1 s per request).
    double impact =
        (worst.share() - worst.siblings())
            * instance.getCount()
            / Math.max(1.0, worst.callerCalls())
            * 1_000;
    Propagation.Result propagation = Propagation.trace(findings, root, operation);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("instance", instance.getInstance());
    details.put("version", instance.getVersion());
    details.put("siblingVersions", worst.siblingVersions());
    details.put("callee", worst.edge().callee().name());
    return Optional.of(
        new Diagnosis(
            IncidentType.TOPOLOGY_DRIFT,
            root,
            operation,
            impact,
            evidence,
            List.of(new Diagnosis.Scored(root, operation, impact)),
            propagation.path(),
            propagation.atRisk(),
            propagation.entryPoints(),
            null,
            worst.share() >= 0.5 ? Severity.CRITICAL : Severity.MAJOR,
            List.of(),
            details,
            findings.exemplars(root, operation)));
  }

  private Divergence divergence(EdgeKey key, EdgeStats now) {
    Divergence best = null;
    for (InstanceStats instance : now.getCallerInstancesList()) {
      if (instance.getCount() < settings.minSamples()) {
        continue;
      }
      long siblingCalls = 0;
      long siblingErrors = 0;
      long siblingRetries = 0;
      List<String> versions = new ArrayList<>();
      for (InstanceStats other : now.getCallerInstancesList()) {
        if (other != instance) {
          siblingCalls += other.getCount();
          siblingErrors += other.getErrors();
          siblingRetries += other.getRetries();
          if (!versions.contains(other.getVersion())) {
            versions.add(other.getVersion());
          }
        }
      }
      if (siblingCalls < settings.minSamples()) {
        continue;
      }
      double errors = (double) instance.getErrors() / instance.getCount();
      double retries = (double) instance.getRetries() / instance.getCount();
      double siblingErrorShare = (double) siblingErrors / siblingCalls;
      double siblingRetryShare = (double) siblingRetries / siblingCalls;
      Divergence candidate = null;
      if (diverges(errors, siblingErrorShare)) {
        candidate =
            new Divergence(
                key,
                instance,
                "failure share",
                errors,
                siblingErrorShare,
                String.join(", ", versions),
                now.getCalls());
      } else if (diverges(retries, siblingRetryShare)) {
        candidate =
            new Divergence(
                key,
                instance,
                "retry share",
                retries,
                siblingRetryShare,
                String.join(", ", versions),
                now.getCalls());
      }
      if (candidate != null
          && (best == null
              || candidate.share() - candidate.siblings() > best.share() - best.siblings())) {
        best = candidate;
      }
    }
    return best;
  }

  private boolean diverges(double share, double siblings) {
    return share - siblings >= settings.minShareDelta() && share >= settings.ratio() * siblings;
  }
}
