package dev.faultline.ingest.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.List;

/** Fixture helpers that build OTLP requests for tests. */
public final class Otlp {
  /**
   * Start of test time in epoch nanoseconds: the current second when the tests started, so that
   * spans are plausible next to the timestamps a broker gives records.
   */
  public static final long T0 = System.currentTimeMillis() / 1000 * 1_000_000_000L;

  private Otlp() {}

  public static ByteString traceId(long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x1234_5678L).putLong(n).array());
  }

  public static ByteString spanId(long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n).array());
  }

  public static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  public static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  /** A span of {@code trace} lasting {@code durationMs} from {@code T0 + startMs}. */
  public static Span.Builder span(
      long trace, long id, long parent, String name, Span.SpanKind kind) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(traceId(trace))
            .setSpanId(spanId(id))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(T0 + id * 1_000_000L)
            .setEndTimeUnixNano(T0 + id * 1_000_000L + 5_000_000L);
    if (parent != 0) {
      span.setParentSpanId(spanId(parent));
    }
    return span;
  }

  public static Span.Builder errorStatus(Span.Builder span, String message) {
    return span.setStatus(
        Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(message));
  }

  /** A resource of service {@code service} holding {@code spans} in one scope. */
  public static ResourceSpans resource(String service, List<Span.Builder> spans) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("test").setVersion("1.0"));
    spans.forEach(scope::addSpans);
    Resource.Builder resource = Resource.newBuilder();
    if (service != null) {
      resource.addAttributes(attr("service.name", service));
      resource.addAttributes(attr("service.instance.id", service + "-1"));
      resource.addAttributes(attr("service.version", "1.2.3"));
    }
    return ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope).build();
  }

  public static ExportTraceServiceRequest request(ResourceSpans... resources) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(List.of(resources)).build();
  }
}
