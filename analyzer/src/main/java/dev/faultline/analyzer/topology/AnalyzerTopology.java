package dev.faultline.analyzer.topology;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.ingest.kafka.IngestTopics;
import dev.faultline.ingest.topology.IngestMetrics;
import dev.faultline.ingest.topology.IngestTopology;
import dev.faultline.schemas.proto.SpanBatch;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Builds the analyzer's topology. The flow of a span:
 *
 * <ol>
 *   <li>{@code otlp_spans} is decoded and normalised; bad input goes to {@code faultline.dlq}
 *       ({@link IngestTopology});
 *   <li>span batches are keyed by trace id and, unless the input is already partitioned by trace
 *       id, go through {@code faultline.spans} so that one task sees all spans of a trace.
 * </ol>
 */
public final class AnalyzerTopology {
  /** Name of the source node reading the spans topic. */
  public static final String SPANS_SOURCE = "spans-source";

  private AnalyzerTopology() {}

  /** Adds the whole pipeline to {@code builder}. */
  public static void build(StreamsBuilder builder, AnalyzerConfig config, Metrics metrics) {
    spans(builder, config, metrics);
  }

  /**
   * The span batches, partitioned by trace id: straight from decoding when the input is already
   * keyed by trace id, else through the spans topic.
   */
  static KStream<byte[], SpanBatch> spans(
      StreamsBuilder builder, AnalyzerConfig config, Metrics metrics) {
    KStream<byte[], SpanBatch> decoded =
        IngestTopology.decode(builder, config.ingest(), metrics.ingest());
    if (config.ingest().inputKeyedByTrace()) {
      return decoded;
    }
    IngestTopics topics = IngestTopics.of(config.ingest());
    decoded.to(topics.spans().name(), topics.spans().produced("spans-sink"));
    return builder.stream(topics.spans().name(), topics.spans().consumed(SPANS_SOURCE));
  }

  /** The meters of every stage. */
  public record Metrics(IngestMetrics ingest) {
    public Metrics {
      java.util.Objects.requireNonNull(ingest, "ingest");
    }
  }
}
