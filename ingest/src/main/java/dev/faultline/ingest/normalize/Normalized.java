package dev.faultline.ingest.normalize;

import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.span.TraceSpans;
import java.util.ArrayList;
import java.util.List;

/**
 * What one OTLP request became: its valid spans as one batch per trace, in the order traces first
 * appear, and its rejected spans grouped by reason.
 *
 * @param traces one batch per trace
 * @param rejections one per reason
 * @param acceptedSpans spans in all batches
 */
public record Normalized(List<TraceSpans> traces, List<Rejection> rejections, int acceptedSpans) {
  public Normalized {
    traces = List.copyOf(traces);
    rejections = List.copyOf(rejections);
  }

  /** The batches as {@code SpanBatch} messages (built on every call). */
  public List<SpanBatch> batches() {
    List<SpanBatch> out = new ArrayList<>(traces.size());
    for (TraceSpans trace : traces) {
      out.add(trace.toProto());
    }
    return out;
  }

  /** Spans in all rejections. */
  public int rejectedSpans() {
    int total = 0;
    for (Rejection rejection : rejections) {
      total += rejection.spanCount();
    }
    return total;
  }
}
