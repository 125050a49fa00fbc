package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an OTLP trace request into Faultline span records grouped by trace, and sets aside the
 * spans that break the model's rules. Pure and thread-safe: the same input gives the same output.
 */
public final class SpanNormalizer {
  /** Service name when the resource has none, as the OpenTelemetry SDKs name it. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final NormalizerSettings settings;
  private final AttributeFilter filter;

  public SpanNormalizer(NormalizerSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    this.filter = new AttributeFilter(settings.extraAttributes());
  }

  /**
   * Normalises a request.
   *
   * @param request the decoded request
   * @param recordTimestampMs the Kafka record's timestamp, which bounds plausible span times; a
   *     value of 0 or less skips the age and future checks
   */
  public Normalized normalize(ExportTraceServiceRequest request, long recordTimestampMs) {
    Map<ByteString, SpanBatch.Builder> batches = new LinkedHashMap<>();
    Map<RejectReason, RejectionCollector> rejected = new EnumMap<>(RejectReason.class);
    int accepted = 0;
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans resourceSpans = request.getResourceSpans(r);
      ResourceIdentity resource = resourceIdentity(resourceSpans);
      for (int s = 0; s < resourceSpans.getScopeSpansCount(); s++) {
        ScopeSpans scopeSpans = resourceSpans.getScopeSpans(s);
        for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
          Problem problem = check(span, resource, recordTimestampMs);
          if (problem != null) {
            rejected
                .computeIfAbsent(problem.reason, reason -> new RejectionCollector(problem.message))
                .add(r, resourceSpans, s, scopeSpans, span);
            continue;
          }
          Span record = toRecord(span, resource);
          if (record == null) {
            rejected
                .computeIfAbsent(
                    RejectReason.OVERSIZE_ATTRIBUTE,
                    reason ->
                        new RejectionCollector(
                            "an attribute value is longer than "
                                + settings.maxAttributeLength()
                                + " characters"))
                .add(r, resourceSpans, s, scopeSpans, span);
            continue;
          }
          batches
              .computeIfAbsent(span.getTraceId(), id -> SpanBatch.newBuilder().setTraceId(id))
              .addSpans(record);
          accepted++;
        }
      }
    }
    List<SpanBatch> out = new ArrayList<>(batches.size());
    for (SpanBatch.Builder batch : batches.values()) {
      out.add(batch.build());
    }
    List<Rejection> rejections = new ArrayList<>(rejected.size());
    rejected.forEach((reason, collector) -> rejections.add(collector.build(reason)));
    return new Normalized(out, rejections, accepted);
  }

  private Problem check(
      io.opentelemetry.proto.trace.v1.Span span, ResourceIdentity resource, long recordTsMs) {
    if (!Ids.isValidTraceId(span.getTraceId())) {
      return new Problem(
          RejectReason.INVALID_TRACE_ID,
          "trace id must be 16 bytes, not all zero; got " + describeId(span.getTraceId()));
    }
    if (!Ids.isValidSpanId(span.getSpanId())) {
      return new Problem(
          RejectReason.INVALID_SPAN_ID,
          "span id must be 8 bytes, not all zero; got " + describeId(span.getSpanId()));
    }
    int parentLength = span.getParentSpanId().size();
    if (parentLength != 0 && parentLength != Ids.SPAN_ID_BYTES) {
      return new Problem(
          RejectReason.INVALID_SPAN_ID,
          "parent span id must be empty or 8 bytes; got " + parentLength + " bytes");
    }
    long start = span.getStartTimeUnixNano();
    long end = span.getEndTimeUnixNano();
    if (start <= 0 || end <= 0) {
      return new Problem(RejectReason.ABSURD_TIMESTAMP, "start and end time must be set");
    }
    if (Long.compareUnsigned(end, start) < 0) {
      return new Problem(RejectReason.ABSURD_TIMESTAMP, "span ends before it starts");
    }
    if (end - start > settings.maxSpanDurationMs() * NANOS_PER_MILLI) {
      return new Problem(
          RejectReason.ABSURD_TIMESTAMP,
          "span lasts " + (end - start) / NANOS_PER_MILLI + " ms, over the limit");
    }
    if (recordTsMs > 0) {
      long startMs = start / NANOS_PER_MILLI;
      long endMs = end / NANOS_PER_MILLI;
      if (startMs < recordTsMs - settings.maxSpanAgeMs()) {
        return new Problem(
            RejectReason.ABSURD_TIMESTAMP,
            "span starts " + (recordTsMs - startMs) + " ms before its record's timestamp");
      }
      if (endMs > recordTsMs + settings.maxFutureSkewMs()) {
        return new Problem(
            RejectReason.ABSURD_TIMESTAMP,
            "span ends " + (endMs - recordTsMs) + " ms after its record's timestamp");
      }
    }
    if (resource.service.length() > settings.maxNameLength()) {
      return new Problem(
          RejectReason.OVERSIZE_NAME,
          "service name has " + resource.service.length() + " characters, over the limit");
    }
    if (span.getName().length() > settings.maxNameLength()) {
      return new Problem(
          RejectReason.OVERSIZE_NAME,
          "operation name has " + span.getName().length() + " characters, over the limit");
    }
    return null;
  }

  /** The record, or {@code null} when a kept attribute is too long. */
  private Span toRecord(io.opentelemetry.proto.trace.v1.Span span, ResourceIdentity resource) {
    Span.Builder out =
        Span.newBuilder()
            .setTraceId(span.getTraceId())
            .setSpanId(span.getSpanId())
            .setService(resource.service)
            .setServiceInstance(resource.instance)
            .setServiceVersion(resource.version)
            .setName(span.getName())
            .setKind(kind(span.getKindValue()))
            .setStartUnixNano(span.getStartTimeUnixNano())
            .setEndUnixNano(span.getEndTimeUnixNano())
            .setStatusCode(status(span.getStatus().getCodeValue()))
            .setStatusMessage(span.getStatus().getMessage());
    if (!Ids.allZero(span.getParentSpanId())) {
      out.setParentSpanId(span.getParentSpanId());
    }
    for (io.opentelemetry.proto.trace.v1.Span.Link link : span.getLinksList()) {
      if (Ids.isValidTraceId(link.getTraceId()) && Ids.isValidSpanId(link.getSpanId())) {
        out.addLinks(
            SpanLink.newBuilder().setTraceId(link.getTraceId()).setSpanId(link.getSpanId()));
      }
    }
    for (Map.Entry<String, String> kept : resource.attributes.entrySet()) {
      out.putAttributes(kept.getKey(), kept.getValue());
    }
    for (KeyValue attribute : span.getAttributesList()) {
      if (filter.keeps(attribute.getKey())) {
        String value = AttributeValues.asString(attribute.getValue());
        if (value.length() > settings.maxAttributeLength()) {
          return null;
        }
        out.putAttributes(attribute.getKey(), value);
      }
    }
    if (!out.containsAttributes("exception.type")) {
      String exceptionType = exceptionType(span);
      if (exceptionType != null && exceptionType.length() <= settings.maxAttributeLength()) {
        out.putAttributes("exception.type", exceptionType);
      }
    }
    return out.build();
  }

  /** The type of the first recorded exception, from the span's "exception" events. */
  private static String exceptionType(io.opentelemetry.proto.trace.v1.Span span) {
    for (io.opentelemetry.proto.trace.v1.Span.Event event : span.getEventsList()) {
      if (event.getName().equals("exception")) {
        for (KeyValue attribute : event.getAttributesList()) {
          if (attribute.getKey().equals("exception.type")) {
            return AttributeValues.asString(attribute.getValue());
          }
        }
        return "exception";
      }
    }
    return null;
  }

  private ResourceIdentity resourceIdentity(ResourceSpans resourceSpans) {
    String service = "";
    String instance = "";
    String version = "";
    Map<String, String> kept = new LinkedHashMap<>();
    for (KeyValue attribute : resourceSpans.getResource().getAttributesList()) {
      switch (attribute.getKey()) {
        case "service.name" -> service = AttributeValues.asString(attribute.getValue());
        case "service.instance.id" -> instance = AttributeValues.asString(attribute.getValue());
        case "service.version" -> version = AttributeValues.asString(attribute.getValue());
        default -> {
          if (filter.keeps(attribute.getKey())) {
            String value = AttributeValues.asString(attribute.getValue());
            if (value.length() <= settings.maxAttributeLength()) {
              kept.put(attribute.getKey(), value);
            }
          }
        }
      }
    }
    if (service.isBlank()) {
      service = UNKNOWN_SERVICE;
    }
    return new ResourceIdentity(service, instance, version, kept);
  }

  private static SpanKind kind(int otlpKind) {
    SpanKind kind = SpanKind.forNumber(otlpKind);
    return kind == null ? SpanKind.SPAN_KIND_UNSPECIFIED : kind;
  }

  private static StatusCode status(int otlpStatus) {
    StatusCode code = StatusCode.forNumber(otlpStatus);
    return code == null ? StatusCode.STATUS_CODE_UNSET : code;
  }

  private static String describeId(ByteString id) {
    if (id.isEmpty()) {
      return "empty";
    }
    return id.size() + " bytes " + (id.size() <= 32 ? Ids.toHex(id) : "");
  }

  private record ResourceIdentity(
      String service, String instance, String version, Map<String, String> attributes) {}

  private record Problem(RejectReason reason, String message) {}

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

    void add(
        int r,
        ResourceSpans resourceSpans,
        int s,
        ScopeSpans scopeSpans,
        io.opentelemetry.proto.trace.v1.Span span) {
      if (r != resourceIndex) {
        currentResource =
            request
                .addResourceSpansBuilder()
                .setResource(resourceSpans.getResource())
                .setSchemaUrl(resourceSpans.getSchemaUrl());
        resourceIndex = r;
        scopeIndex = -1;
      }
      if (s != scopeIndex) {
        currentScope =
            currentResource
                .addScopeSpansBuilder()
                .setScope(scopeSpans.getScope())
                .setSchemaUrl(scopeSpans.getSchemaUrl());
        scopeIndex = s;
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
