package dev.faultline.ingest.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.internal.RateLimitedLog;
import dev.faultline.ingest.kafka.DeadLetterHeaders;
import dev.faultline.ingest.normalize.Normalized;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.normalize.RejectReason;
import dev.faultline.ingest.normalize.Rejection;
import dev.faultline.ingest.normalize.SpanNormalizer;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpDecoder;
import dev.faultline.ingest.otlp.OtlpEncoding;
import dev.faultline.schemas.span.SpanRecord;
import dev.faultline.schemas.span.TraceSpans;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one input record, normalises its spans and emits one batch per trace (keyed by the
 * 16-byte trace id, timestamped with the batch's latest span end, capped at the record's timestamp)
 * and the dead letters.
 */
final class DecodeProcessor implements Processor<byte[], byte[], byte[], Decoded> {
  private static final Logger LOG = LoggerFactory.getLogger(DecodeProcessor.class);
  private static final RateLimitedLog BAD_INPUT = new RateLimitedLog(LOG);
  private static final long NANOS_PER_MILLI = 1_000_000L;

  /** This task's input partition, the batches' {@link IngestTopology#SOURCE_HEADER}. */
  private byte[] source;

  private final OtlpDecoder decoder = new OtlpDecoder();
  private final SpanNormalizer normalizer;
  private final ProtobufSpanReader reader;
  private final IngestMetrics metrics;
  private final boolean inputKeyedByTrace;
  private ProcessorContext<byte[], Decoded> context;

  /**
   * @param normalizer normalises JSON requests, once decoded into OTLP objects
   * @param reader normalises protobuf requests straight from their bytes; this processor's own
   */
  DecodeProcessor(
      SpanNormalizer normalizer,
      ProtobufSpanReader reader,
      IngestMetrics metrics,
      boolean inputKeyedByTrace) {
    this.normalizer = requireNonNull(normalizer, "normalizer");
    this.reader = requireNonNull(reader, "reader");
    this.metrics = requireNonNull(metrics, "metrics");
    this.inputKeyedByTrace = inputKeyedByTrace;
  }

  @Override
  public void init(ProcessorContext<byte[], Decoded> context) {
    this.context = context;
    this.source =
        java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(context.taskId().partition()).array();
  }

  private Headers sourceHeaders() {
    Headers headers = new RecordHeaders();
    headers.add(IngestTopology.SOURCE_HEADER, source);
    return headers;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    byte[] value = record.value();
    if (value == null) {
      return; // a tombstone carries no spans
    }
    OtlpEncoding encoding =
        OtlpEncoding.detect(
            DeadLetterHeaders.get(record.headers(), OtlpEncoding.CONTENT_TYPE_HEADER), value);
    Normalized normalized;
    try {
      // Protobuf, the collector's default, skips the OTLP objects: they cost most of ingest.
      normalized =
          encoding == OtlpEncoding.PROTOBUF
              ? reader.read(value, record.timestamp())
              : normalizer.normalize(decoder.decode(value, encoding), record.timestamp());
    } catch (OtlpDecodeException e) {
      deadLetter(record, value, record.headers(), RejectReason.UNDECODABLE, e.getMessage(), 0);
      return;
    }
    metrics.recordDecoded(encoding);
    if (inputKeyedByTrace && normalized.traces().size() > 1) {
      metrics.misrouted();
      BAD_INPUT.warn(
          "a record of {} holds {} traces although {} is set: trace assembly may miss spans",
          sourceDescription(),
          normalized.traces().size(),
          "faultline.input.keyed.by.trace");
    }
    // A record of one trace can be kept as it came by whoever stores the batch (trace assembly).
    byte[] source =
        encoding == OtlpEncoding.PROTOBUF
                && normalized.traces().size() == 1
                && normalized.rejections().isEmpty()
            ? value
            : null;
    for (TraceSpans batch : normalized.traces()) {
      context.forward(
          new Record<byte[], Decoded>(
              batch.traceId().toByteArray(),
              new TraceBatch(batch, source),
              batchTimestamp(batch, record.timestamp()),
              sourceHeaders()));
    }
    metrics.spansAccepted(normalized.acceptedSpans());
    for (Rejection rejection : normalized.rejections()) {
      Headers headers = new RecordHeaders();
      DeadLetterHeaders.put(
          headers, OtlpEncoding.CONTENT_TYPE_HEADER, OtlpEncoding.PROTOBUF.mediaType());
      DeadLetterHeaders.put(
          headers, DeadLetterHeaders.SPAN_COUNT, Integer.toString(rejection.spanCount()));
      deadLetter(
          record,
          rejection.spans().toByteArray(),
          headers,
          rejection.reason(),
          rejection.message(),
          rejection.spanCount());
    }
  }

  private void deadLetter(
      Record<byte[], byte[]> record,
      byte[] value,
      Headers headers,
      RejectReason reason,
      String message,
      int spanCount) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    Headers out = new RecordHeaders(headers.toArray());
    DeadLetterHeaders.describe(
        out,
        reason.code(),
        message,
        source == null ? "" : source.topic(),
        source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(),
        record.timestamp());
    context.forward(
        new Record<byte[], Decoded>(
            record.key(), new Decoded.DeadLetter(value), record.timestamp(), out));
    metrics.deadLettered(reason, spanCount);
    BAD_INPUT.warn(
        "{} to the dead-letter topic from {}: {} ({})",
        spanCount > 0 ? spanCount + " span(s)" : "a record",
        sourceDescription(),
        reason.code(),
        message);
  }

  /**
   * Event time of a batch: its latest span end, but never after the record's timestamp. A span ends
   * before it is exported, so a later end means a host clock running ahead; left alone it would
   * move stream time ahead for every trace and close windows early for every other host.
   */
  private static long batchTimestamp(TraceSpans batch, long recordTimestamp) {
    long latest = 0;
    for (SpanRecord span : batch.spans()) {
      latest = Math.max(latest, span.getEndUnixNano() / NANOS_PER_MILLI);
    }
    if (latest <= 0) {
      return recordTimestamp;
    }
    return recordTimestamp > 0 ? Math.min(latest, recordTimestamp) : latest;
  }

  private String sourceDescription() {
    return context
        .recordMetadata()
        .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .orElse("an unknown source");
  }
}
