package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.topology.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of the analyzer stages, with ingest's. In Prometheus form: {@code
 * faultline_trace_spans_dropped_total}, {@code faultline_trace_late_spans_total}, {@code
 * faultline_trace_evicted_total}, {@code faultline_window_late_records_total}, {@code
 * faultline_graph_late_partials_total}, {@code faultline_graph_windows_total}, {@code
 * faultline_trace_batches_fetched_total}, {@code faultline_trace_batches_lost_total}, {@code
 * faultline_window_cardinality_overflow_total{kind=node|operation|edge|edge_dropped}}.
 */
public final class AnalyzerMetrics {
  private final IngestMetrics ingest;
  private final Counter spansDropped;
  private final Counter lateSpans;
  private final Counter evicted;
  private final Counter lateRecords;
  private final Counter latePartials;
  private final Counter windows;
  private final Counter batchesFetched;
  private final Counter batchesLost;
  private final MeterRegistry registry;

  public AnalyzerMetrics(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    this.ingest = new IngestMetrics(registry);
    this.registry = registry;
    spansDropped =
        Counter.builder("faultline.trace.spans.dropped")
            .description("Spans refused because their trace reached the span limit")
            .register(registry);
    lateSpans =
        Counter.builder("faultline.trace.late.spans")
            .description("Spans that arrived after their trace's pairing timeout")
            .register(registry);
    evicted =
        Counter.builder("faultline.trace.evicted")
            .description("Traces resolved early because too many were in flight")
            .register(registry);
    lateRecords =
        Counter.builder("faultline.window.late.records")
            .description("Calls and visits counted in a later window than their own")
            .register(registry);
    latePartials =
        Counter.builder("faultline.graph.late.partials")
            .description(
                "Window parts that reached the graph stage after it published their window; they"
                    + " count in the next window it publishes")
            .register(registry);
    windows =
        Counter.builder("faultline.graph.windows")
            .description("Windows the graph stage published")
            .register(registry);
    batchesFetched =
        Counter.builder("faultline.trace.batches.fetched")
            .description(
                "Batches stored by reference whose local copy was missing (a task restored on"
                    + " another instance), read back from the input topic")
            .register(registry);
    batchesLost =
        Counter.builder("faultline.trace.batches.lost")
            .description(
                "Batches stored by reference whose input record was gone when they were read"
                    + " (the input topic's retention was too short); their spans are left out")
            .register(registry);
  }

  /** Counts reads of batches stored by reference that were not in the local store. */
  public BatchBytes.Listener batchReads() {
    return new BatchBytes.Listener() {
      @Override
      public void fetched() {
        batchesFetched.increment();
      }

      @Override
      public void lost() {
        batchesLost.increment();
      }
    };
  }

  public IngestMetrics ingest() {
    return ingest;
  }

  void spansDropped(int count) {
    spansDropped.increment(count);
  }

  void lateSpans(int count) {
    lateSpans.increment(count);
  }

  void tracesEvicted() {
    evicted.increment();
  }

  void lateRecords(long count) {
    lateRecords.increment(count);
  }

  void latePartials() {
    latePartials.increment();
  }

  void cardinalityOverflow(dev.faultline.analyzer.graph.CardinalityLimit.Overflow overflow) {
    overflow("node", overflow.nodes());
    overflow("operation", overflow.operations());
    overflow("edge", overflow.edges());
    overflow("edge_dropped", overflow.droppedEdges());
  }

  private void overflow(String kind, long count) {
    if (count > 0) {
      Counter.builder("faultline.window.cardinality.overflow")
          .description(
              "Node, operation and edge references folded into (other), and calls dropped,"
                  + " because a window held too many distinct names")
          .tag("kind", kind)
          .register(registry)
          .increment(count);
    }
  }

  void windowPublished() {
    windows.increment();
  }
}
