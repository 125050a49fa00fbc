package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import dev.faultline.schemas.span.SpanRecord;
import java.util.Map;

/**
 * Assembles one span record from a span that passed {@link SpanRules#check}: what the record holds
 * is decided here, for both decoding paths.
 */
final class SpanRecordBuilder {
  /** Name of the span event that records an exception, by the semantic conventions. */
  static final String EXCEPTION_EVENT = "exception";

  /** The attribute that names an exception's type, on the span or on its exception event. */
  static final String EXCEPTION_TYPE = "exception.type";

  private final SpanRules rules;
  private final SpanRecord.Builder out = SpanRecord.newBuilder();

  /** Starts a record with the resource's identity and kept attributes. */
  SpanRecordBuilder(SpanRules rules, ResourceIdentity resource) {
    this.rules = requireNonNull(rules, "rules");
    out.setService(resource.service())
        .setServiceInstance(resource.instance())
        .setServiceVersion(resource.version());
    for (Map.Entry<String, String> kept : resource.attributes().entrySet()) {
      out.putAttributes(kept.getKey(), kept.getValue());
    }
  }

  SpanRecordBuilder ids(ByteString traceId, ByteString spanId, ByteString parentSpanId) {
    out.setTraceId(traceId).setSpanId(spanId);
    if (!SpanRules.isRoot(parentSpanId)) {
      out.setParentSpanId(parentSpanId);
    }
    return this;
  }

  /** The operation name and the OTLP kind number (unknown numbers become unspecified). */
  SpanRecordBuilder operation(String name, int otlpKind) {
    SpanKind kind = SpanKind.forNumber(otlpKind);
    out.setName(name).setKind(kind == null ? SpanKind.SPAN_KIND_UNSPECIFIED : kind);
    return this;
  }

  SpanRecordBuilder times(long startNanos, long endNanos) {
    out.setStartUnixNano(startNanos).setEndUnixNano(endNanos);
    return this;
  }

  /** The OTLP status code number (unknown numbers become unset) and message. */
  SpanRecordBuilder status(int otlpCode, String message) {
    StatusCode code = StatusCode.forNumber(otlpCode);
    out.setStatusCode(code == null ? StatusCode.STATUS_CODE_UNSET : code).setStatusMessage(message);
    return this;
  }

  /** Adds a link, or drops it when an id is invalid. */
  SpanRecordBuilder link(ByteString traceId, ByteString spanId) {
    if (SpanRules.keepsLink(traceId, spanId)) {
      out.addLinks(SpanLink.newBuilder().setTraceId(traceId).setSpanId(spanId).build());
    }
    return this;
  }

  /**
   * Adds a kept span attribute, replacing a resource attribute of the same key.
   *
   * @return false when the value is too long, which rejects the whole span
   */
  boolean attribute(String key, String value) {
    if (!rules.fits(value)) {
      return false;
    }
    out.putAttributes(key, value);
    return true;
  }

  /** Whether the exception type must come from the events: no attribute has set it. */
  boolean lacksExceptionType() {
    return !out.containsAttributes(EXCEPTION_TYPE);
  }

  /** The type of the first exception event; too long a type is left out, not fatal. */
  void exceptionType(String type) {
    if (rules.fits(type)) {
      out.putAttributes(EXCEPTION_TYPE, type);
    }
  }

  SpanRecord build() {
    return out.build();
  }
}
