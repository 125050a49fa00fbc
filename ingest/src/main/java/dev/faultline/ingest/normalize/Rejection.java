package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * Spans of one request rejected for one reason, kept as an OTLP request (with their resources and
 * scopes) so that the dead-letter record can be fixed and replayed.
 *
 * @param reason why
 * @param message what was wrong with the first such span
 * @param spans the rejected spans
 * @param spanCount how many
 */
public record Rejection(
    RejectReason reason, String message, ExportTraceServiceRequest spans, int spanCount) {
  public Rejection {
    requireNonNull(reason, "reason");
    requireNonNull(message, "message");
    requireNonNull(spans, "spans");
  }
}
