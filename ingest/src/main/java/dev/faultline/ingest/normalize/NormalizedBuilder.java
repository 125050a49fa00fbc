package dev.faultline.ingest.normalize;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.span.SpanRecord;
import dev.faultline.schemas.span.TraceSpans;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers what one request becomes, span by span in request order: accepted records into one batch
 * per trace (in order of first appearance), rejected spans into one dead letter per reason.
 */
final class NormalizedBuilder {
  private final Map<ByteString, List<SpanRecord>> batches = new LinkedHashMap<>();
  private final Map<RejectReason, RejectionCollector> rejected = new EnumMap<>(RejectReason.class);
  private int accepted;

  void accept(SpanRecord record) {
    batches.computeIfAbsent(record.getTraceId(), id -> new ArrayList<>()).add(record);
    accepted++;
  }

  void reject(
      SpanRules.Problem problem, SpanOrigin origin, io.opentelemetry.proto.trace.v1.Span span) {
    rejected
        .computeIfAbsent(problem.reason(), reason -> new RejectionCollector(problem.message()))
        .add(origin, span);
  }

  Normalized build() {
    List<TraceSpans> out = new ArrayList<>(batches.size());
    batches.forEach((traceId, spans) -> out.add(new TraceSpans(traceId, spans)));
    List<Rejection> rejections = new ArrayList<>(rejected.size());
    rejected.forEach((reason, collector) -> rejections.add(collector.build(reason)));
    return new Normalized(out, rejections, accepted);
  }

  /** Rebuilds the OTLP nesting (resource, scope) around the rejected spans of one reason. */
  private static final class RejectionCollector {
    private final String firstMessage;
    private final ExportTraceServiceRequest.Builder request =
        ExportTraceServiceRequest.newBuilder();
    private int resourceIndex = -1;
    private int scopeIndex = -1;
    private ResourceSpans.Builder currentResource;
    private ScopeSpans.Builder currentScope;
    private int count;

    RejectionCollector(String firstMessage) {
      this.firstMessage = firstMessage;
    }

    void add(SpanOrigin origin, io.opentelemetry.proto.trace.v1.Span span) {
      if (origin.resourceIndex() != resourceIndex) {
        currentResource =
            request
                .addResourceSpansBuilder()
                .setResource(origin.resource())
                .setSchemaUrl(origin.resourceSchemaUrl());
        resourceIndex = origin.resourceIndex();
        scopeIndex = -1;
      }
      if (origin.scopeIndex() != scopeIndex) {
        currentScope =
            currentResource
                .addScopeSpansBuilder()
                .setScope(origin.scope())
                .setSchemaUrl(origin.scopeSchemaUrl());
        scopeIndex = origin.scopeIndex();
      }
      currentScope.addSpans(span);
      count++;
    }

    Rejection build(RejectReason reason) {
      String message = count == 1 ? firstMessage : firstMessage + " (and " + (count - 1) + " more)";
      return new Rejection(reason, message, request.build(), count);
    }
  }
}
