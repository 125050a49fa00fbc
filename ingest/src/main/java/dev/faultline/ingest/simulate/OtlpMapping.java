package dev.faultline.ingest.simulate;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the SDK's finished spans into an OTLP {@code ExportTraceServiceRequest}, grouped by
 * resource and instrumentation scope as an OTLP exporter groups them.
 */
final class OtlpMapping {
  private static final HexFormat HEX = HexFormat.of();

  private OtlpMapping() {}

  static ExportTraceServiceRequest request(List<SpanData> spans) {
    Map<io.opentelemetry.sdk.resources.Resource, Map<String, ScopeSpans.Builder>> grouped =
        new LinkedHashMap<>();
    for (SpanData span : spans) {
      Map<String, ScopeSpans.Builder> scopes =
          grouped.computeIfAbsent(span.getResource(), r -> new LinkedHashMap<>());
      var info = span.getInstrumentationScopeInfo();
      ScopeSpans.Builder scope =
          scopes.computeIfAbsent(
              info.getName() + "\0" + info.getVersion(),
              k -> {
                InstrumentationScope.Builder scopeInfo =
                    InstrumentationScope.newBuilder().setName(info.getName());
                if (info.getVersion() != null) {
                  scopeInfo.setVersion(info.getVersion());
                }
                return ScopeSpans.newBuilder().setScope(scopeInfo);
              });
      scope.addSpans(span(span));
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder resourceSpans =
              ResourceSpans.newBuilder()
                  .setResource(
                      Resource.newBuilder().addAllAttributes(attributes(resource.getAttributes())));
          scopes.values().forEach(resourceSpans::addScopeSpans);
          request.addResourceSpans(resourceSpans);
        });
    return request.build();
  }

  private static Span span(SpanData data) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(bytes(data.getTraceId()))
            .setSpanId(bytes(data.getSpanId()))
            .setName(data.getName())
            .setKind(kind(data.getKind()))
            .setStartTimeUnixNano(data.getStartEpochNanos())
            .setEndTimeUnixNano(data.getEndEpochNanos())
            .addAllAttributes(attributes(data.getAttributes()))
            .setFlags(data.getSpanContext().getTraceFlags().asByte() & 0xff);
    SpanContext parent = data.getParentSpanContext();
    if (parent.isValid()) {
      span.setParentSpanId(bytes(parent.getSpanId()));
    }
    for (EventData event : data.getEvents()) {
      span.addEvents(
          Span.Event.newBuilder()
              .setName(event.getName())
              .setTimeUnixNano(event.getEpochNanos())
              .addAllAttributes(attributes(event.getAttributes())));
    }
    for (LinkData link : data.getLinks()) {
      span.addLinks(
          Span.Link.newBuilder()
              .setTraceId(bytes(link.getSpanContext().getTraceId()))
              .setSpanId(bytes(link.getSpanContext().getSpanId()))
              .addAllAttributes(attributes(link.getAttributes())));
    }
    StatusCode code = data.getStatus().getStatusCode();
    if (code != StatusCode.UNSET) {
      Status.Builder status =
          Status.newBuilder()
              .setCode(
                  code == StatusCode.ERROR
                      ? Status.StatusCode.STATUS_CODE_ERROR
                      : Status.StatusCode.STATUS_CODE_OK);
      if (!data.getStatus().getDescription().isEmpty()) {
        status.setMessage(data.getStatus().getDescription());
      }
      span.setStatus(status);
    }
    return span.build();
  }

  private static Span.SpanKind kind(io.opentelemetry.api.trace.SpanKind kind) {
    switch (kind) {
      case SERVER:
        return Span.SpanKind.SPAN_KIND_SERVER;
      case CLIENT:
        return Span.SpanKind.SPAN_KIND_CLIENT;
      case PRODUCER:
        return Span.SpanKind.SPAN_KIND_PRODUCER;
      case CONSUMER:
        return Span.SpanKind.SPAN_KIND_CONSUMER;
      default:
        return Span.SpanKind.SPAN_KIND_INTERNAL;
    }
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  private static List<KeyValue> attributes(Attributes attributes) {
    List<KeyValue> out = new ArrayList<>(attributes.size());
    attributes.forEach(
        (key, value) ->
            out.add(
                KeyValue.newBuilder().setKey(key.getKey()).setValue(value(key, value)).build()));
    return out;
  }

  private static AnyValue value(AttributeKey<?> key, Object value) {
    switch (key.getType()) {
      case STRING:
        return AnyValue.newBuilder().setStringValue((String) value).build();
      case BOOLEAN:
        return AnyValue.newBuilder().setBoolValue((Boolean) value).build();
      case LONG:
        return AnyValue.newBuilder().setIntValue((Long) value).build();
      case DOUBLE:
        return AnyValue.newBuilder().setDoubleValue((Double) value).build();
      default:
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (Object element : (List<?>) value) {
          array.addValues(scalar(element));
        }
        return AnyValue.newBuilder().setArrayValue(array).build();
    }
  }

  private static AnyValue scalar(Object value) {
    if (value instanceof String s) {
      return AnyValue.newBuilder().setStringValue(s).build();
    }
    if (value instanceof Boolean b) {
      return AnyValue.newBuilder().setBoolValue(b).build();
    }
    if (value instanceof Long l) {
      return AnyValue.newBuilder().setIntValue(l).build();
    }
    return AnyValue.newBuilder().setDoubleValue(((Number) value).doubleValue()).build();
  }
}
