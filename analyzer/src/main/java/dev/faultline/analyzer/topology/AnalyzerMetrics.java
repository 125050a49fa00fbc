package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.topology.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of the analyzer stages, with ingest's. In Prometheus form: {@code
 * faultline_trace_spans_dropped_total}, {@code faultline_trace_late_spans_total}, {@code
 * faultline_trace_evicted_total}, {@code faultline_window_late_records_total}, {@code
 * faultline_graph_late_partials_total}, {@code faultline_graph_windows_total}.
 */
public final class AnalyzerMetrics {
  private final IngestMetrics ingest;
  private final Counter spansDropped;
  private final Counter lateSpans;
  private final Counter evicted;
  private final Counter lateRecords;
  private final Counter latePartials;
  private final Counter windows;

  public AnalyzerMetrics(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    this.ingest = new IngestMetrics(registry);
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

  void windowPublished() {
    windows.increment();
  }
}
