package dev.faultline.analyzer.testing;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import java.nio.ByteBuffer;

/** Fixture helpers for span records: {@code span(...)} with times in milliseconds from T0. */
public final class SpanFixtures {
  /** An arbitrary fixed epoch for tests, in nanoseconds. */
  public static final long T0 = 1_700_000_000_000_000_000L;

  public static final ByteString TRACE = traceId(1);

  private SpanFixtures() {}

  public static ByteString traceId(long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(7).putLong(n).array());
  }

  public static ByteString id(long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n).array());
  }

  /**
   * A span of {@link #TRACE}.
   *
   * @param id span id number
   * @param parent parent id number, 0 for a root
   * @param service service name
   * @param name operation
   * @param kind span kind
   * @param startMs start, milliseconds after T0
   * @param endMs end, milliseconds after T0
   */
  public static Span.Builder span(
      long id,
      long parent,
      String service,
      String name,
      SpanKind kind,
      double startMs,
      double endMs) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(TRACE)
            .setSpanId(id(id))
            .setService(service)
            .setServiceInstance(service + "-1")
            .setServiceVersion("1.0")
            .setName(name)
            .setKind(kind)
            .setStartUnixNano(T0 + (long) (startMs * 1_000_000L))
            .setEndUnixNano(T0 + (long) (endMs * 1_000_000L));
    if (parent != 0) {
      span.setParentSpanId(id(parent));
    }
    return span;
  }

  public static Span.Builder server(
      long id, long parent, String service, String name, double startMs, double endMs) {
    return span(id, parent, service, name, SpanKind.SPAN_KIND_SERVER, startMs, endMs);
  }

  public static Span.Builder client(
      long id, long parent, String service, String name, double startMs, double endMs) {
    return span(id, parent, service, name, SpanKind.SPAN_KIND_CLIENT, startMs, endMs);
  }

  public static Span.Builder internal(
      long id, long parent, String service, String name, double startMs, double endMs) {
    return span(id, parent, service, name, SpanKind.SPAN_KIND_INTERNAL, startMs, endMs);
  }

  public static Span.Builder error(Span.Builder span) {
    return span.setStatusCode(StatusCode.STATUS_CODE_ERROR);
  }

  public static Span.Builder link(Span.Builder span, ByteString trace, long spanId) {
    return span.addLinks(SpanLink.newBuilder().setTraceId(trace).setSpanId(id(spanId)));
  }

  /** The same span without a kind, as instrumentation that sets none sends it. */
  public static Span withoutKind(Span span) {
    return span.toBuilder().setKind(SpanKind.SPAN_KIND_UNSPECIFIED).build();
  }

  /** Spans with every time shifted by {@code ms}: another host's clock. */
  public static Span.Builder shifted(Span.Builder span, double ms) {
    long delta = (long) (ms * 1_000_000L);
    return span.setStartUnixNano(span.getStartUnixNano() + delta)
        .setEndUnixNano(span.getEndUnixNano() + delta);
  }

  /**
   * A frontend {@code GET /cart} (100 ms) calling cart {@code Get} (client 60 ms, server 50 ms), as
   * one trace of three spans starting at {@code startMs}.
   */
  public static java.util.List<Span> cartRequest(long trace, double startMs) {
    return java.util.List.of(
        server(1, 0, "frontend", "GET /cart", startMs, startMs + 100)
            .setTraceId(traceId(trace))
            .build(),
        client(2, 1, "frontend", "cart.Get", startMs + 10, startMs + 70)
            .setTraceId(traceId(trace))
            .build(),
        server(3, 2, "cart", "Get", startMs + 15, startMs + 65).setTraceId(traceId(trace)).build());
  }
}
