package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import java.util.Map;
import java.util.TreeMap;

/**
 * What moved between the baseline and now, for every operation and edge: each figure's shift with
 * its significance. Facts only; the detectors decide what they mean.
 *
 * @param operations per service operation seen now
 * @param edges per edge seen now or in the baseline
 * @param entryVisits requests that entered the system now
 * @param settings the thresholds the predicates use
 * @param current the merged current windows, for exemplars
 */
public record Findings(
    Map<OperationKey, Operation> operations,
    Map<EdgeKey, Edge> edges,
    long entryVisits,
    DetectionSettings settings,
    GraphSnapshot current) {

  /** One service operation. */
  public record Operation(
      OperationKey key,
      long visits,
      long baseVisits,
      long entryVisits,
      Stats.Shift duration,
      Stats.Shift selfTime,
      Stats.Proportion errors) {}

  /** One edge. */
  public record Edge(
      EdgeKey key,
      long calls,
      long baseCalls,
      Stats.Shift client,
      Stats.Shift server,
      Stats.Shift gap,
      Stats.Shift queueWait,
      Stats.Proportion errors,
      Stats.Proportion serverErrors,
      Stats.Proportion retries,
      Stats.RatioChange perVisit) {}

  /** Compares {@code current} with {@code baseline}. */
  public static Findings of(
      GraphSnapshot baseline, GraphSnapshot current, DetectionSettings settings) {
    return of(baseline, current, current, settings);
  }

  /**
   * Compares now with the baseline, where "now" is {@code recent} for everything seen often enough
   * in it and the longer {@code extended} for the rest: a rare operation needs more time to show a
   * change than a busy one, and waiting for it should not slow down the busy ones.
   */
  public static Findings of(
      GraphSnapshot baseline,
      GraphSnapshot recent,
      GraphSnapshot extended,
      DetectionSettings settings) {
    Map<OperationKey, Operation> operations = new TreeMap<>();
    long entry = 0;
    java.util.Set<OperationKey> sparse = new java.util.HashSet<>();
    java.util.Set<OperationKey> keys = new java.util.TreeSet<>(extended.nodes().keySet());
    for (OperationKey key : keys) {
      NodeStats short_ = recent.nodes().getOrDefault(key, NodeStats.getDefaultInstance());
      boolean useRecent = short_.getVisits() >= settings.minSamples();
      NodeStats now = useRecent ? short_ : extended.nodes().get(key);
      if (!useRecent) {
        sparse.add(key);
      }
      NodeStats before = baseline.nodes().getOrDefault(key, NodeStats.getDefaultInstance());
      entry += short_.getEntryVisits();
      operations.put(
          key,
          new Operation(
              key,
              now.getVisits(),
              before.getVisits(),
              now.getEntryVisits(),
              Stats.shift(before.getDurationUs(), now.getDurationUs()),
              Stats.shift(before.getSelfTimeUs(), now.getSelfTimeUs()),
              Stats.proportion(
                  before.getErrors(), before.getVisits(), now.getErrors(), now.getVisits())));
    }
    Map<EdgeKey, Edge> edges = new TreeMap<>();
    java.util.Set<EdgeKey> edgeKeys = union(baseline.edges(), extended.edges());
    for (EdgeKey key : edgeKeys) {
      OperationKey callerOp =
          key.caller().isService()
              ? new OperationKey(key.caller().name(), key.callerOperation())
              : null;
      EdgeStats short_ = recent.edges().getOrDefault(key, EdgeStats.getDefaultInstance());
      boolean useRecent =
          callerOp != null
              ? !sparse.contains(callerOp)
              : short_.getCalls() >= settings.minSamples();
      GraphSnapshot view = useRecent ? recent : extended;
      EdgeStats now = view.edges().getOrDefault(key, EdgeStats.getDefaultInstance());
      EdgeStats before = baseline.edges().getOrDefault(key, EdgeStats.getDefaultInstance());
      Stats.RatioChange perVisit = Stats.RatioChange.NONE;
      if (callerOp != null && key.kind() != CallKind.CALL_KIND_ENTRY) {
        NodeStats callerNow = view.nodes().get(callerOp);
        NodeStats callerBefore = baseline.nodes().get(callerOp);
        if (callerNow != null && callerBefore != null) {
          perVisit =
              Stats.ratio(
                  before.getCalls(),
                  callerBefore.getVisits(),
                  now.getCalls(),
                  callerNow.getVisits());
        }
      }
      edges.put(
          key,
          new Edge(
              key,
              now.getCalls(),
              before.getCalls(),
              Stats.shift(before.getClientLatencyUs(), now.getClientLatencyUs()),
              Stats.shift(before.getServerLatencyUs(), now.getServerLatencyUs()),
              Stats.shift(before.getNetworkGapUs(), now.getNetworkGapUs()),
              Stats.shift(before.getQueueWaitUs(), now.getQueueWaitUs()),
              Stats.proportion(
                  before.getErrors(), before.getCalls(), now.getErrors(), now.getCalls()),
              Stats.proportion(
                  before.getServerErrors(),
                  before.getCalls(),
                  now.getServerErrors(),
                  now.getCalls()),
              Stats.proportion(
                  before.getRetries(), before.getCalls(), now.getRetries(), now.getCalls()),
              perVisit));
    }
    return new Findings(operations, edges, entry, settings, extended);
  }

  private static java.util.Set<EdgeKey> union(
      Map<EdgeKey, EdgeStats> a, Map<EdgeKey, EdgeStats> b) {
    java.util.Set<EdgeKey> keys = new java.util.TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
  }

  public boolean risen(Stats.Shift shift) {
    return shift.isRise(
        settings.latencyZ(),
        settings.latencyRatio(),
        settings.latencyMinMs() * 1_000,
        settings.minSamples());
  }

  public boolean fallen(Stats.Shift shift) {
    return shift.isFall(
        settings.latencyZ(),
        settings.latencyRatio(),
        settings.latencyMinMs() * 1_000,
        settings.minSamples());
  }

  public boolean risen(Stats.Proportion errors) {
    return errors.isRise(settings.errorZ(), settings.errorMinRate(), settings.minSamples());
  }

  public boolean changed(Stats.RatioChange ratio) {
    return ratio.isChange(
        settings.structureZ(), settings.structureMinChange(), settings.minSamples());
  }

  /** Whether the operation got slower or fails more. */
  public boolean degraded(Operation op) {
    return risen(op.duration()) || risen(op.errors());
  }

  /** Trace ids (hex) that show a node now: its slowest and failed requests. */
  public java.util.List<String> exemplars(
      dev.faultline.analyzer.trace.NodeKey node, String operation) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    if (node.isService()) {
      current
          .nodes()
          .forEach(
              (op, stats) -> {
                if (op.service().equals(node.name())
                    && (operation == null || op.operation().equals(operation))) {
                  stats
                      .getExemplarTraceIdsList()
                      .forEach(id -> out.add(dev.faultline.schemas.Ids.toHex(id)));
                }
              });
    }
    current
        .edges()
        .forEach(
            (edge, stats) -> {
              if (edge.callee().equals(node)) {
                stats
                    .getExemplarTraceIdsList()
                    .forEach(id -> out.add(dev.faultline.schemas.Ids.toHex(id)));
              }
            });
    return out.stream().limit(5).toList();
  }

  /** Requests entering the system now, at least 1 (a denominator). */
  public double entries() {
    return Math.max(1, entryVisits);
  }
}
