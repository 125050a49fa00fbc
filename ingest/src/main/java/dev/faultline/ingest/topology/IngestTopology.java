package dev.faultline.ingest.topology;

import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.IngestTopics;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.normalize.SpanNormalizer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Builds the ingest stage: {@code otlp_spans} -> decode and normalise -> span batches, with bad
 * input to the dead-letter topic.
 */
public final class IngestTopology {
  /** Name of the source node reading the input topic. */
  public static final String SOURCE = "otlp-source";

  /** Name of the decode and normalise processor. */
  public static final String DECODE = "otlp-decode";

  /**
   * Header of every span batch naming its source: the input partition (4 bytes, big-endian) whose
   * ingest task wrote it. Trace assembly keeps a watermark per source, because the ingest tasks
   * writing to one partition of the spans topic can be far apart in event time.
   */
  public static final String SOURCE_HEADER = "faultline.source";

  private IngestTopology() {}

  /**
   * Adds decoding to {@code builder} and returns the stream of span batches keyed by trace id,
   * before any repartitioning, each with its source record when it can be decoded from it again.
   * Dead letters are written here.
   */
  public static KStream<byte[], TraceBatch> decode(
      StreamsBuilder builder, IngestConfig config, IngestMetrics metrics) {
    IngestTopics topics = IngestTopics.of(config);
    SpanNormalizer normalizer = new SpanNormalizer(config.normalizer());
    boolean keyedByTrace = config.inputKeyedByTrace();
    KStream<byte[], Decoded> decoded =
        builder.stream(topics.input().name(), topics.input().consumed(SOURCE))
            .process(
                // The protobuf reader keeps per-thread scratch state: one per processor.
                () ->
                    new DecodeProcessor(
                        normalizer,
                        new ProtobufSpanReader(config.normalizer()),
                        metrics,
                        keyedByTrace),
                Named.as(DECODE));
    var branches =
        decoded
            .split(Named.as("decoded-"))
            .branch(
                (key, value) -> value instanceof Decoded.DeadLetter,
                Branched.withConsumer(
                    deadLetters ->
                        deadLetters
                            .mapValues(
                                value -> ((Decoded.DeadLetter) value).value(),
                                Named.as("dlq-value"))
                            .to(
                                topics.deadLetters().name(),
                                topics.deadLetters().produced("dlq-sink")),
                    "dead-letters"))
            .defaultBranch(Branched.as("batches"));
    return branches
        .get("decoded-batches")
        .mapValues(value -> (TraceBatch) value, Named.as("batch-value"));
  }

  /**
   * The ingest stage on its own: decoded batches are written to the spans topic, keyed (and so
   * partitioned) by trace id.
   */
  public static void build(StreamsBuilder builder, IngestConfig config, IngestMetrics metrics) {
    IngestTopics topics = IngestTopics.of(config);
    decode(builder, config, metrics)
        .mapValues(TraceBatch::batch, Named.as("batch-spans"))
        .to(topics.spans().name(), topics.spans().produced("spans-sink"));
  }
}
