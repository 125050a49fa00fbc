package dev.faultline.schemas.span;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.SpanBatch;
import java.util.List;

/**
 * The spans of one trace that arrived in one input message: what a {@code SpanBatch} message holds.
 *
 * @param traceId the trace's id (16 bytes)
 * @param spans its spans, in order
 */
public record TraceSpans(ByteString traceId, List<SpanRecord> spans) {
  public TraceSpans {
    requireNonNull(traceId, "traceId");
    spans = List.copyOf(spans);
  }

  /** The spans of a batch message. */
  public static TraceSpans of(SpanBatch batch) {
    return new TraceSpans(batch.getTraceId(), SpanRecord.of(batch.getSpansList()));
  }

  /** The batch message holding the same. */
  public SpanBatch toProto() {
    SpanBatch.Builder out = SpanBatch.newBuilder().setTraceId(traceId);
    for (SpanRecord span : spans) {
      out.addSpans(span.toProto());
    }
    return out.build();
  }
}
