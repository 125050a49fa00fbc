package dev.faultline.analyzer.testing;

import dev.faultline.schemas.proto.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns span records back into the OTLP requests an SDK would send, grouped by service. */
public final class Otlp {
  private Otlp() {}

  public static ExportTraceServiceRequest request(List<Span> spans) {
    Map<String, ScopeSpans.Builder> byService = new LinkedHashMap<>();
    for (Span span : spans) {
      ScopeSpans.Builder scope =
          byService.computeIfAbsent(span.getService(), s -> ScopeSpans.newBuilder());
      io.opentelemetry.proto.trace.v1.Span.Builder otlp =
          io.opentelemetry.proto.trace.v1.Span.newBuilder()
              .setTraceId(span.getTraceId())
              .setSpanId(span.getSpanId())
              .setParentSpanId(span.getParentSpanId())
              .setName(span.getName())
              .setKindValue(span.getKindValue())
              .setStartTimeUnixNano(span.getStartUnixNano())
              .setEndTimeUnixNano(span.getEndUnixNano())
              .setStatus(Status.newBuilder().setCodeValue(span.getStatusCodeValue()));
      span.getAttributesMap()
          .forEach(
              (k, v) ->
                  otlp.addAttributes(
                      KeyValue.newBuilder()
                          .setKey(k)
                          .setValue(AnyValue.newBuilder().setStringValue(v))));
      scope.addSpans(otlp);
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach(
        (service, scope) ->
            request.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                KeyValue.newBuilder()
                                    .setKey("service.name")
                                    .setValue(AnyValue.newBuilder().setStringValue(service))))
                    .addScopeSpans(scope)));
    return request.build();
  }
}
