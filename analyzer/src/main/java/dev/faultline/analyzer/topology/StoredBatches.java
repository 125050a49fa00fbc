package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.normalize.SpanBatchReader;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.topology.TraceBatch;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.span.SpanRecord;
import dev.faultline.schemas.span.TraceSpans;
import java.util.List;

/**
 * Reads the two forms a batch takes in the trace-buffer store: a serialized {@link SpanBatch}, or
 * the OTLP record the batch was decoded from, as it came, when the record held only that trace and
 * none of its spans was refused ({@link TraceBatch#source()}). The second costs nothing to write,
 * where serializing the batch again cost trace assembly as much as pairing; it is decoded again
 * only when a trace is read back (a query, a trace no longer in memory, a restart). A serialized
 * batch always starts with its 16-byte trace id (bytes {@code 0x0a 0x10}); a record that starts so
 * is stored serialized, which keeps the two apart. Not thread-safe: it holds decoders.
 */
final class StoredBatches {
  private static final byte TRACE_ID_TAG = 1 << 3 | 2;
  private static final byte TRACE_ID_LENGTH = 16;

  private final ProtobufSpanReader reader;
  private final SpanBatchReader batches = new SpanBatchReader();

  StoredBatches(NormalizerSettings settings) {
    this.reader = new ProtobufSpanReader(requireNonNull(settings, "settings"));
  }

  /** Whether a batch's source record can be stored as it is: it does not look serialized. */
  static boolean storableAsSource(byte[] record) {
    return !isSerialized(record);
  }

  private static boolean isSerialized(byte[] stored) {
    return stored.length >= 2 && stored[0] == TRACE_ID_TAG && stored[1] == TRACE_ID_LENGTH;
  }

  /**
   * The spans of trace {@code traceId} in a stored batch. A record decoded again gives the batch it
   * gave when it arrived, unless the normalisation settings changed in between.
   */
  List<SpanRecord> spans(ByteString traceId, byte[] stored) {
    if (isSerialized(stored)) {
      try {
        return batches.read(stored).spans();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt stored span batch", e);
      }
    }
    try {
      // No timestamp: the checks that need one refused nothing when the record arrived.
      for (TraceSpans batch : reader.read(stored, 0).traces()) {
        if (batch.traceId().equals(traceId)) {
          return batch.spans();
        }
      }
      return List.of();
    } catch (OtlpDecodeException e) {
      throw new IllegalStateException("corrupt stored record of a trace", e);
    }
  }
}
