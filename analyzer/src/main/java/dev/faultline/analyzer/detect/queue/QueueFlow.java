package dev.faultline.analyzer.detect.queue;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What flowed through one queue to one consumer service, window by window: messages produced into
 * the queue (by every producer), messages that consumer took out, and how long they waited.
 *
 * @param queue the queue node
 * @param consumer the consumer service
 * @param produced per window, messages produced into the queue (oldest first)
 * @param consumed per window, messages the consumer took
 * @param waits per window, the queue wait of the messages the consumer took (may be empty)
 * @param producedBy per producer service, messages produced per window (oldest first)
 * @param producerOperations per producer service, its busiest producing operation
 * @param consumerOperation the consumer's busiest operation on this queue
 * @param windowMs the length of a window
 * @param windowStarts the start of every window
 */
record QueueFlow(
    NodeKey queue,
    NodeKey consumer,
    long[] produced,
    long[] consumed,
    List<LatencySketch> waits,
    Map<NodeKey, long[]> producedBy,
    Map<NodeKey, String> producerOperations,
    String consumerOperation,
    long windowMs,
    long[] windowStarts) {

  QueueFlow {
    requireNonNull(queue, "queue");
    requireNonNull(consumer, "consumer");
    waits = List.copyOf(waits);
  }

  /** Every (queue, consumer service) pair seen in the windows, with its series. */
  static List<QueueFlow> of(List<GraphWindow> windows) {
    Map<String, Builder> flows = new TreeMap<>();
    Map<NodeKey, Map<NodeKey, long[]>> produced = new TreeMap<>();
    Map<NodeKey, Map<NodeKey, Map<String, Long>>> producerOps = new TreeMap<>();
    int n = windows.size();
    long windowMs =
        n == 0 ? 1 : Math.max(1, windows.get(n - 1).endMs() - windows.get(n - 1).startMs());
    for (int i = 0; i < n; i++) {
      for (EdgeStats edge : windows.get(i).edges()) {
        EdgeKey key = EdgeKey.of(edge);
        if (key.kind() == CallKind.CALL_KIND_PRODUCE && key.caller().isService()) {
          produced.computeIfAbsent(key.callee(), q -> new TreeMap<>())
                  .computeIfAbsent(key.caller(), p -> new long[n])[i] +=
              edge.getCalls();
          producerOps
              .computeIfAbsent(key.callee(), q -> new TreeMap<>())
              .computeIfAbsent(key.caller(), p -> new TreeMap<>())
              .merge(key.callerOperation(), edge.getCalls(), Long::sum);
        } else if (key.kind() == CallKind.CALL_KIND_CONSUME && key.callee().isService()) {
          Builder flow =
              flows.computeIfAbsent(
                  key.caller() + "|" + key.callee(),
                  k -> new Builder(key.caller(), key.callee(), n));
          flow.consumed[i] += edge.getCalls();
          if (edge.getQueueWaitUs().getCount() > 0) {
            flow.waits.get(i).merge(LatencySketch.of(edge.getQueueWaitUs()));
          }
          flow.operations.merge(key.calleeOperation(), edge.getCalls(), Long::sum);
        }
      }
    }
    List<QueueFlow> out = new ArrayList<>();
    for (Builder flow : flows.values()) {
      Map<NodeKey, long[]> by = produced.getOrDefault(flow.queue, Map.of());
      long[] total = new long[n];
      by.values().forEach(series -> add(total, series));
      Map<NodeKey, String> ops = new TreeMap<>();
      producerOps
          .getOrDefault(flow.queue, Map.of())
          .forEach((producer, counts) -> ops.put(producer, busiest(counts)));
      out.add(
          new QueueFlow(
              flow.queue,
              flow.consumer,
              total,
              flow.consumed,
              flow.waits,
              by,
              ops,
              busiest(flow.operations),
              windowMs,
              windows.stream().mapToLong(GraphWindow::startMs).toArray()));
    }
    return out;
  }

  /** Messages per window in the baseline, produced into the queue and consumed by the consumer. */
  double[] baselineRates(GraphSnapshot baseline) {
    long produced = 0;
    long consumed = 0;
    for (Map.Entry<EdgeKey, EdgeStats> e : baseline.edges().entrySet()) {
      EdgeKey key = e.getKey();
      if (key.kind() == CallKind.CALL_KIND_PRODUCE && key.callee().equals(queue)) {
        produced += e.getValue().getCalls();
      } else if (key.kind() == CallKind.CALL_KIND_CONSUME
          && key.caller().equals(queue)
          && key.callee().equals(consumer)) {
        consumed += e.getValue().getCalls();
      }
    }
    double windows = Math.max(1, baseline.windows());
    return new double[] {produced / windows, consumed / windows, produced, consumed};
  }

  /** Messages per window a producer sent in the baseline. */
  static double baselineRate(GraphSnapshot baseline, NodeKey producer, NodeKey queue) {
    long produced = 0;
    for (Map.Entry<EdgeKey, EdgeStats> e : baseline.edges().entrySet()) {
      EdgeKey key = e.getKey();
      if (key.kind() == CallKind.CALL_KIND_PRODUCE
          && key.callee().equals(queue)
          && key.caller().equals(producer)) {
        produced += e.getValue().getCalls();
      }
    }
    return produced / (double) Math.max(1, baseline.windows());
  }

  /** The consumer's queue waits in the baseline, merged. */
  LatencySketch baselineWait(GraphSnapshot baseline) {
    LatencySketch out = new LatencySketch();
    baseline
        .edges()
        .forEach(
            (key, stats) -> {
              if (key.kind() == CallKind.CALL_KIND_CONSUME
                  && key.caller().equals(queue)
                  && key.callee().equals(consumer)
                  && stats.getQueueWaitUs().getCount() > 0) {
                out.merge(LatencySketch.of(stats.getQueueWaitUs()));
              }
            });
    return out;
  }

  int size() {
    return produced.length;
  }

  static long sum(long[] series, int from, int to) {
    long out = 0;
    for (int i = from; i < to; i++) {
      out += series[i];
    }
    return out;
  }

  private static void add(long[] into, long[] series) {
    for (int i = 0; i < into.length; i++) {
      into[i] += series[i];
    }
  }

  private static String busiest(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .orElse("");
  }

  private static final class Builder {
    final NodeKey queue;
    final NodeKey consumer;
    final long[] consumed;
    final List<LatencySketch> waits = new ArrayList<>();
    final Map<String, Long> operations = new TreeMap<>();

    Builder(NodeKey queue, NodeKey consumer, int n) {
      this.queue = queue;
      this.consumer = consumer;
      this.consumed = new long[n];
      for (int i = 0; i < n; i++) {
        waits.add(new LatencySketch());
      }
    }
  }
}
