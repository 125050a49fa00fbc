package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.ingest.normalize.SpanBatchReader;
import dev.faultline.ingest.topology.TraceBatch;
import dev.faultline.schemas.span.TraceSpans;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A span batch together with its stored form ({@link StoredBatches}), so trace assembly can store
 * the batch as it came instead of serializing it again.
 *
 * @param bytes the stored form: the serialized batch, or the record it was decoded from
 * @param batch the parsed batch
 * @param isInput whether {@code bytes} is the value of the input record being processed, so that a
 *     reference to that record can be stored instead ({@link BatchRef})
 */
record RawSpanBatch(byte[] bytes, TraceSpans batch, boolean isInput) {
  RawSpanBatch {
    requireNonNull(bytes, "bytes");
    requireNonNull(batch, "batch");
  }

  /**
   * A freshly decoded batch: stored as the record it came from when that record held only this
   * trace (the collector's records keyed by trace id), else written as the spans topic's serde
   * writes it.
   */
  static RawSpanBatch of(TraceBatch decoded) {
    if (decoded.hasSource() && StoredBatches.storableAsSource(decoded.source())) {
      return new RawSpanBatch(decoded.source(), decoded.batch(), true);
    }
    return new RawSpanBatch(WRITER.serialize(null, decoded.batch()), decoded.batch(), false);
  }

  private static final Serializer<TraceSpans> WRITER =
      dev.faultline.schemas.serde.Serdes.traceSpans().serializer();

  /**
   * One reader per stream thread: Kafka Streams shares a source's deserializer among its threads,
   * and a reader caches the names it decoded.
   */
  private static final ThreadLocal<SpanBatchReader> READER =
      ThreadLocal.withInitial(SpanBatchReader::new);

  static TraceSpans parse(byte[] bytes) {
    try {
      return READER.get().read(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SerializationException("not a span batch", e);
    }
  }

  /** Reads span batches keeping their bytes; writes the bytes as they are. */
  static Serde<RawSpanBatch> serde() {
    Serializer<RawSpanBatch> serializer = (topic, value) -> value == null ? null : value.bytes();
    Deserializer<RawSpanBatch> deserializer =
        (topic, bytes) -> bytes == null ? null : new RawSpanBatch(bytes, parse(bytes), true);
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }
}
