package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.schemas.span.SpanRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * Turns a decoded OTLP trace request into Faultline span records grouped by trace, and sets aside
 * the spans that break the model's rules. Pure and thread-safe: the same input gives the same
 * output. The rules themselves live in {@link SpanRules} and {@link SpanRecordBuilder}.
 */
public final class SpanNormalizer {
  /** Service name when the resource has none, as the OpenTelemetry SDKs name it. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private final SpanRules rules;
  private final AttributeFilter filter;

  public SpanNormalizer(NormalizerSettings settings) {
    requireNonNull(settings, "settings");
    this.rules = new SpanRules(settings);
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
    NormalizedBuilder out = new NormalizedBuilder();
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans resourceSpans = request.getResourceSpans(r);
      ResourceIdentity resource = resourceIdentity(resourceSpans.getResource());
      for (int s = 0; s < resourceSpans.getScopeSpansCount(); s++) {
        ScopeSpans scopeSpans = resourceSpans.getScopeSpans(s);
        SpanOrigin origin =
            new SpanOrigin(
                r,
                resourceSpans.getResource(),
                resourceSpans.getSchemaUrl(),
                s,
                scopeSpans.getScope(),
                scopeSpans.getSchemaUrl());
        for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
          SpanRules.Problem problem =
              rules.check(
                  span.getTraceId(),
                  span.getSpanId(),
                  span.getParentSpanId(),
                  span.getStartTimeUnixNano(),
                  span.getEndTimeUnixNano(),
                  resource.service(),
                  span.getName(),
                  recordTimestampMs);
          SpanRecord record = problem == null ? toRecord(span, resource) : null;
          if (problem == null && record == null) {
            problem = rules.oversizeAttribute();
          }
          if (problem != null) {
            out.reject(problem, origin, span);
          } else {
            out.accept(record);
          }
        }
      }
    }
    return out.build();
  }

  /** The record, or {@code null} when a kept attribute is too long. */
  private SpanRecord toRecord(
      io.opentelemetry.proto.trace.v1.Span span, ResourceIdentity resource) {
    SpanRecordBuilder out =
        new SpanRecordBuilder(rules, resource)
            .ids(span.getTraceId(), span.getSpanId(), span.getParentSpanId())
            .operation(span.getName(), span.getKindValue())
            .times(span.getStartTimeUnixNano(), span.getEndTimeUnixNano())
            .status(span.getStatus().getCodeValue(), span.getStatus().getMessage());
    for (io.opentelemetry.proto.trace.v1.Span.Link link : span.getLinksList()) {
      out.link(link.getTraceId(), link.getSpanId());
    }
    for (KeyValue attribute : span.getAttributesList()) {
      if (filter.keeps(attribute.getKey())
          && !out.attribute(attribute.getKey(), AttributeValues.asString(attribute.getValue()))) {
        return null;
      }
    }
    if (out.lacksExceptionType()) {
      String exceptionType = exceptionType(span);
      if (exceptionType != null) {
        out.exceptionType(exceptionType);
      }
    }
    return out.build();
  }

  /** The type of the first recorded exception, from the span's "exception" events. */
  private static String exceptionType(io.opentelemetry.proto.trace.v1.Span span) {
    for (io.opentelemetry.proto.trace.v1.Span.Event event : span.getEventsList()) {
      if (event.getName().equals(SpanRecordBuilder.EXCEPTION_EVENT)) {
        for (KeyValue attribute : event.getAttributesList()) {
          if (attribute.getKey().equals(SpanRecordBuilder.EXCEPTION_TYPE)) {
            return AttributeValues.asString(attribute.getValue());
          }
        }
        return SpanRecordBuilder.EXCEPTION_EVENT;
      }
    }
    return null;
  }

  private ResourceIdentity resourceIdentity(Resource resource) {
    ResourceIdentity.Builder identity = new ResourceIdentity.Builder(filter, rules);
    for (KeyValue attribute : resource.getAttributesList()) {
      if (identity.wants(attribute.getKey())) {
        identity.put(attribute.getKey(), AttributeValues.asString(attribute.getValue()));
      }
    }
    return identity.build();
  }
}
