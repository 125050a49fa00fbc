package dev.faultline.ingest.normalize;

import static dev.faultline.ingest.testing.Otlp.T0;
import static dev.faultline.ingest.testing.Otlp.attr;
import static dev.faultline.ingest.testing.Otlp.request;
import static dev.faultline.ingest.testing.Otlp.resource;
import static dev.faultline.ingest.testing.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.testing.Otlp;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.StatusCode;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanNormalizerTest {
  private static final long RECORD_MS = T0 / 1_000_000L;

  private final SpanNormalizer normalizer = new SpanNormalizer(NormalizerSettings.defaults());

  @Test
  void mapsEveryFieldOfAValidSpan() {
    var otlp =
        Otlp.errorStatus(span(1, 2, 1, "GET /cart", SpanKind.SPAN_KIND_CLIENT), "timeout")
            .addAttributes(attr("http.request.method", "GET"))
            .addAttributes(attr("http.request.resend_count", 1))
            .addAttributes(attr("peer.service", "cart"))
            .addAttributes(attr("db.statement", "SELECT secret"))
            .addAttributes(attr("http.request.header.authorization", "Bearer x"))
            .addLinks(
                io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                    .setTraceId(Otlp.traceId(5))
                    .setSpanId(Otlp.spanId(6)));

    Normalized out = normalizer.normalize(request(resource("frontend", List.of(otlp))), RECORD_MS);

    assertThat(out.rejections()).isEmpty();
    assertThat(out.batches()).hasSize(1);
    Span span = out.batches().get(0).getSpans(0);
    assertThat(span.getTraceId()).isEqualTo(Otlp.traceId(1));
    assertThat(span.getSpanId()).isEqualTo(Otlp.spanId(2));
    assertThat(span.getParentSpanId()).isEqualTo(Otlp.spanId(1));
    assertThat(span.getService()).isEqualTo("frontend");
    assertThat(span.getServiceInstance()).isEqualTo("frontend-1");
    assertThat(span.getServiceVersion()).isEqualTo("1.2.3");
    assertThat(span.getName()).isEqualTo("GET /cart");
    assertThat(span.getKind()).isEqualTo(dev.faultline.schemas.proto.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getStartUnixNano()).isEqualTo(T0 + 2_000_000L);
    assertThat(span.getEndUnixNano()).isEqualTo(T0 + 7_000_000L);
    assertThat(span.getStatusCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
    assertThat(span.getStatusMessage()).isEqualTo("timeout");
    assertThat(span.getLinksList()).hasSize(1);
    assertThat(span.getAttributesMap())
        .containsEntry("http.request.method", "GET")
        .containsEntry("http.request.resend_count", "1")
        .containsEntry("peer.service", "cart")
        .doesNotContainKey("db.statement")
        .doesNotContainKey("http.request.header.authorization");
  }

  @Test
  void groupsSpansByTraceInOrderOfFirstAppearance() {
    Normalized out =
        normalizer.normalize(
            request(
                resource(
                    "a",
                    List.of(
                        span(2, 1, 0, "x", SpanKind.SPAN_KIND_SERVER),
                        span(1, 2, 0, "y", SpanKind.SPAN_KIND_SERVER))),
                resource("b", List.of(span(2, 3, 1, "z", SpanKind.SPAN_KIND_CLIENT)))),
            RECORD_MS);

    assertThat(out.batches())
        .extracting(b -> b.getTraceId())
        .containsExactly(Otlp.traceId(2), Otlp.traceId(1));
    assertThat(out.batches().get(0).getSpansList())
        .extracting(Span::getService)
        .containsExactly("a", "b");
    assertThat(out.acceptedSpans()).isEqualTo(3);
  }

  @Test
  void missingServiceNameBecomesUnknownServiceAndMissingKindStaysUnspecified() {
    Normalized out =
        normalizer.normalize(
            request(resource(null, List.of(span(1, 1, 0, "x", SpanKind.SPAN_KIND_UNSPECIFIED)))),
            RECORD_MS);

    Span span = out.batches().get(0).getSpans(0);
    assertThat(span.getService()).isEqualTo(SpanNormalizer.UNKNOWN_SERVICE);
    assertThat(span.getKind())
        .isEqualTo(dev.faultline.schemas.proto.SpanKind.SPAN_KIND_UNSPECIFIED);
  }

  @Test
  void rejectsInvalidIdsAbsurdTimesAndOversizeValuesKeepingTheRest() {
    var good = span(1, 1, 0, "good", SpanKind.SPAN_KIND_SERVER);
    var zeroTrace =
        span(1, 2, 0, "t", SpanKind.SPAN_KIND_SERVER).setTraceId(ByteString.copyFrom(new byte[16]));
    var shortSpan =
        span(1, 3, 0, "s", SpanKind.SPAN_KIND_SERVER).setSpanId(ByteString.copyFrom(new byte[4]));
    var badParent =
        span(1, 4, 0, "p", SpanKind.SPAN_KIND_SERVER)
            .setParentSpanId(ByteString.copyFrom(new byte[3]));
    var backwards = span(1, 5, 0, "b", SpanKind.SPAN_KIND_SERVER).setEndTimeUnixNano(T0);
    var ancient =
        span(1, 6, 0, "a", SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(1).setEndTimeUnixNano(2);
    var future =
        span(1, 7, 0, "f", SpanKind.SPAN_KIND_SERVER)
            .setEndTimeUnixNano(T0 + 2 * 3_600_000_000_000L);
    var huge =
        span(1, 8, 0, "h", SpanKind.SPAN_KIND_SERVER)
            .addAttributes(attr("http.route", "x".repeat(20_000)));
    var longName = span(1, 9, 0, "n".repeat(2_000), SpanKind.SPAN_KIND_SERVER);

    Normalized out =
        normalizer.normalize(
            request(
                resource(
                    "svc",
                    List.of(
                        good, zeroTrace, shortSpan, badParent, backwards, ancient, future, huge,
                        longName))),
            RECORD_MS);

    assertThat(out.acceptedSpans()).isEqualTo(1);
    assertThat(out.batches().get(0).getSpans(0).getName()).isEqualTo("good");
    assertThat(out.rejections())
        .extracting(Rejection::reason, Rejection::spanCount)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(RejectReason.INVALID_TRACE_ID, 1),
            org.assertj.core.groups.Tuple.tuple(RejectReason.INVALID_SPAN_ID, 2),
            org.assertj.core.groups.Tuple.tuple(RejectReason.ABSURD_TIMESTAMP, 3),
            org.assertj.core.groups.Tuple.tuple(RejectReason.OVERSIZE_ATTRIBUTE, 1),
            org.assertj.core.groups.Tuple.tuple(RejectReason.OVERSIZE_NAME, 1));
    Rejection times =
        out.rejections().stream()
            .filter(r -> r.reason() == RejectReason.ABSURD_TIMESTAMP)
            .findFirst()
            .orElseThrow();
    assertThat(times.spans().getResourceSpans(0).getResource())
        .isEqualTo(resource("svc", List.of()).getResource());
    assertThat(times.spans().getResourceSpans(0).getScopeSpans(0).getSpansList())
        .extracting(io.opentelemetry.proto.trace.v1.Span::getName)
        .containsExactly("b", "a", "f");
    assertThat(times.message()).contains("(and 2 more)");
  }

  @Test
  void anAllZeroParentIsARootAndInvalidLinksAreDropped() {
    var span =
        span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER)
            .setParentSpanId(ByteString.copyFrom(new byte[8]))
            .addLinks(
                io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                    .setTraceId(ByteString.copyFrom(new byte[16]))
                    .setSpanId(Otlp.spanId(1)));

    Span out =
        normalizer
            .normalize(request(resource("a", List.of(span))), RECORD_MS)
            .batches()
            .get(0)
            .getSpans(0);

    assertThat(out.getParentSpanId().isEmpty()).isTrue();
    assertThat(out.getLinksList()).isEmpty();
  }

  @Test
  void theAllowListKeepsExtraSpanAndResourceAttributes() {
    var settings = NormalizerSettings.defaults();
    SpanNormalizer custom =
        new SpanNormalizer(
            new NormalizerSettings(
                List.of("team", "k8s.*"),
                settings.maxAttributeLength(),
                settings.maxNameLength(),
                settings.maxSpanAgeMs(),
                settings.maxFutureSkewMs(),
                settings.maxSpanDurationMs()));
    var otlp =
        span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).addAttributes(attr("team", "payments"));
    var resource = resource("a", List.of(otlp)).toBuilder();
    resource.getResourceBuilder().addAttributes(attr("k8s.pod.name", "a-7f9"));

    Span out = custom.normalize(request(resource.build()), RECORD_MS).batches().get(0).getSpans(0);

    assertThat(out.getAttributesMap())
        .containsEntry("team", "payments")
        .containsEntry("k8s.pod.name", "a-7f9");
  }

  @Test
  void theFirstExceptionEventNamesTheExceptionType() {
    var otlp =
        span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER)
            .addEvents(
                io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                    .setName("exception")
                    .addAttributes(attr("exception.type", "java.net.SocketTimeoutException")));

    Span out =
        normalizer
            .normalize(request(resource("a", List.of(otlp))), RECORD_MS)
            .batches()
            .get(0)
            .getSpans(0);

    assertThat(out.getAttributesMap())
        .containsEntry("exception.type", "java.net.SocketTimeoutException");
  }
}
