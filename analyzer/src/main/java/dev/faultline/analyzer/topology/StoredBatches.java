package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads the two forms a batch takes in the trace-buffer store: a serialized {@link SpanBatch}, or
 * the OTLP record the batch was decoded from when the record held only that trace (byte 0, the
 * record's timestamp, the record's value). The second costs nothing to write, where serializing the
 * batch again cost trace assembly as much as pairing; it is decoded again only when a trace is read
 * back (a query, a trace evicted from memory, a restart). A serialized batch never starts with byte
 * 0, which is no protobuf field's tag. Not thread-safe: it holds a decoder.
 */
final class StoredBatches {
  private static final byte SOURCE = 0;
  private static final int HEADER = 1 + Long.BYTES;

  private final ProtobufSpanReader reader;

  StoredBatches(NormalizerSettings settings) {
    this.reader = new ProtobufSpanReader(requireNonNull(settings, "settings"));
  }

  /** The stored form of a batch that is the whole of an input record. */
  static byte[] ofSource(long recordTimestampMs, byte[] recordValue) {
    return ByteBuffer.allocate(HEADER + recordValue.length)
        .put(SOURCE)
        .putLong(recordTimestampMs)
        .put(recordValue)
        .array();
  }

  /**
   * The spans of trace {@code traceId} in a stored batch. A record decoded again gives the batch it
   * gave when it arrived, unless the normalisation settings changed in between.
   */
  List<Span> spans(ByteString traceId, byte[] stored) {
    if (stored.length == 0 || stored[0] != SOURCE) {
      return parse(stored).getSpansList();
    }
    long timestamp = ByteBuffer.wrap(stored, 1, Long.BYTES).getLong();
    byte[] value = new byte[stored.length - HEADER];
    System.arraycopy(stored, HEADER, value, 0, value.length);
    try {
      for (SpanBatch batch : reader.read(value, timestamp).batches()) {
        if (batch.getTraceId().equals(traceId)) {
          return batch.getSpansList();
        }
      }
      return List.of();
    } catch (OtlpDecodeException e) {
      throw new IllegalStateException("corrupt stored record of a trace", e);
    }
  }

  static SpanBatch parse(byte[] bytes) {
    try {
      return SpanBatch.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored span batch", e);
    }
  }
}
