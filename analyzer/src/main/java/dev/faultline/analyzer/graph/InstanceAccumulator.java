package dev.faultline.analyzer.graph;

import dev.faultline.schemas.proto.InstanceStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-instance counts and latency moments, for drift between the instances of one service. */
final class InstanceAccumulator {
  /** Instances beyond this many per edge or node are folded into one "other" entry. */
  static final int MAX_INSTANCES = 64;

  private static final String OTHER = "(other)";

  private final Map<String, InstanceStats.Builder> instances = new TreeMap<>();

  void add(String instance, String version, boolean error, boolean retry, double latencyUs) {
    InstanceStats.Builder stats = slot(instance, version);
    stats.setCount(stats.getCount() + 1);
    if (error) {
      stats.setErrors(stats.getErrors() + 1);
    }
    if (retry) {
      stats.setRetries(stats.getRetries() + 1);
    }
    if (latencyUs >= 0) {
      stats.setLatencySumUs(stats.getLatencySumUs() + latencyUs);
      stats.setLatencySumSqUs(stats.getLatencySumSqUs() + latencyUs * latencyUs);
    }
  }

  void merge(List<InstanceStats> others) {
    for (InstanceStats other : others) {
      InstanceStats.Builder stats = slot(other.getInstance(), other.getVersion());
      stats
          .setCount(stats.getCount() + other.getCount())
          .setErrors(stats.getErrors() + other.getErrors())
          .setRetries(stats.getRetries() + other.getRetries())
          .setLatencySumUs(stats.getLatencySumUs() + other.getLatencySumUs())
          .setLatencySumSqUs(stats.getLatencySumSqUs() + other.getLatencySumSqUs());
    }
  }

  /** The slot of {@code instance}; its version is the one seen last (a redeploy keeps the id). */
  private InstanceStats.Builder slot(String instance, String version) {
    InstanceStats.Builder stats = instances.get(instance);
    if (stats != null) {
      if (!version.isEmpty() && !stats.getInstance().equals(OTHER)) {
        stats.setVersion(version);
      }
    } else {
      String key = instances.size() >= MAX_INSTANCES ? OTHER : instance;
      stats =
          instances.computeIfAbsent(
              key,
              k ->
                  InstanceStats.newBuilder()
                      .setInstance(k)
                      .setVersion(k.equals(OTHER) ? "" : version));
    }
    return stats;
  }

  List<InstanceStats> toList() {
    return instances.values().stream().map(InstanceStats.Builder::build).toList();
  }

  boolean isEmpty() {
    return instances.isEmpty();
  }
}
