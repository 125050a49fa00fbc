package dev.faultline.schemas.span;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanRecordTest {
  private static final ByteString TRACE =
      ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  private static Span message() {
    return Span.newBuilder()
        .setTraceId(TRACE)
        .setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}))
        .setParentSpanId(ByteString.copyFrom(new byte[] {2, 2, 2, 2, 2, 2, 2, 2}))
        .setService("cart")
        .setServiceInstance("cart-1")
        .setServiceVersion("1.2")
        .setName("GET /cart")
        .setKind(SpanKind.SPAN_KIND_SERVER)
        .setStartUnixNano(1_000)
        .setEndUnixNano(2_000)
        .setStatusCode(StatusCode.STATUS_CODE_ERROR)
        .setStatusMessage("boom")
        .addLinks(
            SpanLink.newBuilder().setTraceId(TRACE).setSpanId(ByteString.copyFrom(new byte[8])))
        .putAttributes("host.name", "h1")
        .putAttributes("http.response.status_code", "503")
        .putAttributes("http.route", "/cart")
        .build();
  }

  @Test
  void convertsToTheMessageAndBackWithoutLoss() {
    Span span = message();

    SpanRecord record = SpanRecord.of(span);

    assertThat(record.toProto()).isEqualTo(span);
    assertThat(SpanRecord.of(record.toProto())).isEqualTo(record);
    assertThat(record.getService()).isEqualTo("cart");
    assertThat(record.getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
    assertThat(record.getLinksCount()).isEqualTo(1);
  }

  @Test
  void attributesAreFoundByKeyAndKeepTheOrderTheyWereFirstSetIn() {
    SpanRecord record =
        SpanRecord.newBuilder()
            .putAttributes("host.name", "resource")
            .putAttributes("http.route", "/cart")
            .putAttributes(new String("host.name"), "span") // a later value of the same key
            .build();

    assertThat(record.attribute("host.name")).isEqualTo("span");
    assertThat(record.attribute("http.route")).isEqualTo("/cart");
    assertThat(record.attribute("db.system")).isNull();
    assertThat(record.hasAttribute("http.route")).isTrue();
    assertThat(record.getAttributesCount()).isEqualTo(2);
    assertThat(record.getAttributesMap())
        .containsExactly(Map.entry("host.name", "span"), Map.entry("http.route", "/cart"));
    // The message's map keeps the same order, so both serialize the same.
    Span.Builder message = Span.newBuilder();
    message.putAttributes("host.name", "resource").putAttributes("http.route", "/cart");
    message.putAttributes("host.name", "span");
    assertThat(record.toProto().toByteArray()).isEqualTo(message.build().toByteArray());
  }

  @Test
  void kindsAndStatusesThisVersionDoesNotKnowReadAsUnset() {
    Span span = message().toBuilder().setKindValue(9).setStatusCodeValue(7).build();

    SpanRecord record = SpanRecord.of(span);

    assertThat(record.getKind()).isEqualTo(SpanKind.SPAN_KIND_UNSPECIFIED);
    assertThat(record.getStatusCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
  }

  @Test
  void aBatchConvertsAsItsSpans() {
    SpanBatch batch = SpanBatch.newBuilder().setTraceId(TRACE).addSpans(message()).build();

    TraceSpans spans = TraceSpans.of(batch);

    assertThat(spans.traceId()).isEqualTo(TRACE);
    assertThat(spans.spans()).isEqualTo(List.of(SpanRecord.of(message())));
    assertThat(spans.toProto()).isEqualTo(batch);
  }
}
