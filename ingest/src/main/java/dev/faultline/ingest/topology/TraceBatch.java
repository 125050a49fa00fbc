package dev.faultline.ingest.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.span.TraceSpans;

/**
 * The spans of one trace from one input record, and that record's protobuf value when this trace is
 * all it held and none of its spans was refused: decoding the value again (at any record timestamp,
 * since the checks that depend on it refused nothing) gives this batch, so a consumer that must
 * keep the batch can keep those bytes instead of serializing it.
 *
 * @param batch the normalised spans
 * @param source the record's value, or {@code null} (JSON, several traces, refused spans)
 */
public record TraceBatch(TraceSpans batch, byte[] source) implements Decoded {
  public TraceBatch {
    requireNonNull(batch, "batch");
  }

  /** Whether {@link #source} holds the record this batch can be decoded from again. */
  public boolean hasSource() {
    return source != null;
  }
}
