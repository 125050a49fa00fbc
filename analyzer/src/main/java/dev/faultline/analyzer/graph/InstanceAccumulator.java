package dev.faultline.analyzer.graph;

import dev.faultline.schemas.proto.InstanceStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-instance counts and latency moments, for drift between the instances of one service. */
final class InstanceAccumulator {
  /** Instances beyond this many per edge or node are folded into one "other" entry. */
  static final int MAX_INSTANCES = 64;

  private static final String OTHER = "(other)";

  // Plain counters, not protobuf builders: this is on the path of every call and visit.
  private final Map<String, Slot> instances = new HashMap<>();

  /** The slot used last, or {@code null}. */
  private Slot last;

  /** One instance's figures. */
  private static final class Slot {
    final String instance;
    String version;
    long count;
    long errors;
    long retries;
    double latencySumUs;
    double latencySumSqUs;

    Slot(String instance, String version) {
      this.instance = instance;
      this.version = version;
    }
  }

  void add(String instance, String version, boolean error, boolean retry, double latencyUs) {
    Slot slot = slot(instance, version);
    slot.count++;
    if (error) {
      slot.errors++;
    }
    if (retry) {
      slot.retries++;
    }
    if (latencyUs >= 0) {
      slot.latencySumUs += latencyUs;
      slot.latencySumSqUs += latencyUs * latencyUs;
    }
  }

  void merge(List<InstanceStats> others) {
    for (InstanceStats other : others) {
      Slot slot = slot(other.getInstance(), other.getVersion());
      slot.count += other.getCount();
      slot.errors += other.getErrors();
      slot.retries += other.getRetries();
      slot.latencySumUs += other.getLatencySumUs();
      slot.latencySumSqUs += other.getLatencySumSqUs();
    }
  }

  /** The slot of {@code instance}; its version is the one seen last (a redeploy keeps the id). */
  private Slot slot(String instance, String version) {
    Slot last = this.last;
    // Decoders hand out one String per instance and version, so the same instance's calls in a
    // row usually skip the lookup.
    if (last != null && last.instance == instance && last.version == version) {
      return last;
    }
    Slot slot = find(instance, version);
    this.last = slot;
    return slot;
  }

  private Slot find(String instance, String version) {
    Slot slot = instances.get(instance);
    if (slot != null) {
      if (!version.isEmpty() && !OTHER.equals(slot.instance) && !version.equals(slot.version)) {
        slot.version = version;
      }
      return slot;
    }
    if (instances.size() >= MAX_INSTANCES) {
      return instances.computeIfAbsent(OTHER, k -> new Slot(OTHER, ""));
    }
    slot = new Slot(instance, version);
    instances.put(instance, slot);
    return slot;
  }

  /** The instances in name order. */
  List<InstanceStats> toList() {
    List<InstanceStats> out = new ArrayList<>(instances.size());
    for (Slot slot : new TreeMap<>(instances).values()) {
      out.add(
          InstanceStats.newBuilder()
              .setInstance(slot.instance)
              .setVersion(slot.version)
              .setCount(slot.count)
              .setErrors(slot.errors)
              .setRetries(slot.retries)
              .setLatencySumUs(slot.latencySumUs)
              .setLatencySumSqUs(slot.latencySumSqUs)
              .build());
    }
    return out;
  }

  boolean isEmpty() {
    return instances.isEmpty();
  }
}
