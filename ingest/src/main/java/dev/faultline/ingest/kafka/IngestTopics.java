package dev.faultline.ingest.kafka;

import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.schemas.serde.Serdes;
import dev.faultline.schemas.span.TraceSpans;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;

/**
 * The topics of ingest.
 *
 * @param input OTLP requests as the collector's kafkaexporter or the receiver write them; keys are
 *     whatever the writer chose (none, or the trace id in hex)
 * @param spans normalised span batches keyed by the 16-byte trace id
 * @param deadLetters rejected input, keyed as it came, with headers naming the error
 */
public record IngestTopics(
    Topic<byte[], byte[]> input,
    Topic<byte[], TraceSpans> spans,
    Topic<byte[], byte[]> deadLetters) {

  public static IngestTopics of(IngestConfig config) {
    return new IngestTopics(
        new Topic<>(config.inputTopic(), new ByteArraySerde(), new ByteArraySerde()),
        new Topic<>(config.spansTopic(), new ByteArraySerde(), Serdes.traceSpans()),
        new Topic<>(config.dlqTopic(), new ByteArraySerde(), new ByteArraySerde()));
  }
}
