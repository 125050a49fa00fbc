package dev.faultline.ingest.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.proto.SpanBatch;

/**
 * The spans of one trace from one input record, and that record's protobuf value when this trace is
 * all it held: decoding the value again, at the same record timestamp, gives this batch, so a
 * consumer that must keep the batch can keep those bytes instead of serializing it.
 *
 * @param batch the normalised spans
 * @param source the record's value, or {@code null} (JSON, or a record of several traces)
 * @param sourceTimestampMs the record's timestamp, which decoding depends on
 */
public record TraceBatch(SpanBatch batch, byte[] source, long sourceTimestampMs)
    implements Decoded {
  public TraceBatch {
    requireNonNull(batch, "batch");
  }

  /** Whether {@link #source} holds the record this batch can be decoded from again. */
  public boolean hasSource() {
    return source != null;
  }
}
