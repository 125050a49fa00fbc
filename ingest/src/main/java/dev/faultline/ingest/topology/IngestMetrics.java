package dev.faultline.ingest.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.normalize.RejectReason;
import dev.faultline.ingest.otlp.OtlpEncoding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counters of ingest. In Prometheus form: {@code faultline_ingest_records_total{encoding}}, {@code
 * faultline_ingest_spans_total}, {@code faultline_ingest_dlq_records_total{reason}}, {@code
 * faultline_ingest_dlq_spans_total{reason}}, {@code faultline_ingest_misrouted_records_total}.
 */
public final class IngestMetrics {
  private final Map<OtlpEncoding, Counter> records = new EnumMap<>(OtlpEncoding.class);
  private final Counter spans;
  private final Map<RejectReason, Counter> dlqRecords = new EnumMap<>(RejectReason.class);
  private final Map<RejectReason, Counter> dlqSpans = new EnumMap<>(RejectReason.class);
  private final Counter misrouted;

  public IngestMetrics(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    for (OtlpEncoding encoding : OtlpEncoding.values()) {
      records.put(
          encoding,
          Counter.builder("faultline.ingest.records")
              .description("Input records decoded")
              .tag("encoding", encoding.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    spans =
        Counter.builder("faultline.ingest.spans")
            .description("Spans accepted and passed on")
            .register(registry);
    for (RejectReason reason : RejectReason.values()) {
      dlqRecords.put(
          reason,
          Counter.builder("faultline.ingest.dlq.records")
              .description("Records written to the dead-letter topic")
              .tag("reason", reason.code())
              .register(registry));
      dlqSpans.put(
          reason,
          Counter.builder("faultline.ingest.dlq.spans")
              .description("Spans written to the dead-letter topic")
              .tag("reason", reason.code())
              .register(registry));
    }
    misrouted =
        Counter.builder("faultline.ingest.misrouted.records")
            .description(
                "Records holding several traces although the input is declared keyed by trace")
            .register(registry);
  }

  void recordDecoded(OtlpEncoding encoding) {
    records.get(encoding).increment();
  }

  void spansAccepted(int count) {
    spans.increment(count);
  }

  void deadLettered(RejectReason reason, int spanCount) {
    dlqRecords.get(reason).increment();
    if (spanCount > 0) {
      dlqSpans.get(reason).increment(spanCount);
    }
  }

  void misrouted() {
    misrouted.increment();
  }

  /** Spans accepted so far. */
  public double acceptedSpans() {
    return spans.count();
  }

  /** Dead-letter records so far, over all reasons. */
  public double deadLetterRecords() {
    return dlqRecords.values().stream().mapToDouble(Counter::count).sum();
  }
}
