package dev.faultline.ingest.normalize;

import dev.faultline.schemas.proto.SpanBatch;
import java.util.List;

/**
 * What one OTLP request became: its valid spans as one batch per trace, in the order traces first
 * appear, and its rejected spans grouped by reason.
 *
 * @param batches one per trace
 * @param rejections one per reason
 * @param acceptedSpans spans in all batches
 */
public record Normalized(List<SpanBatch> batches, List<Rejection> rejections, int acceptedSpans) {
  public Normalized {
    batches = List.copyOf(batches);
    rejections = List.copyOf(rejections);
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
