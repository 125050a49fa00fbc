package dev.faultline.ingest.otlp;

import static dev.faultline.ingest.testing.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faultline.ingest.testing.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonDecoderTest {
  private final OtlpJsonDecoder decoder = new OtlpJsonDecoder();

  @Test
  void decodesWhatTheEncoderWritesBackToTheSameRequest() throws Exception {
    Span.Builder span =
        Otlp.errorStatus(Otlp.span(7, 2, 1, "GET /cart", Span.SpanKind.SPAN_KIND_SERVER), "boom")
            .addAttributes(Otlp.attr("http.response.status_code", 500))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("tags")
                    .setValue(
                        AnyValue.newBuilder()
                            .setArrayValue(
                                ArrayValue.newBuilder()
                                    .addValues(AnyValue.newBuilder().setDoubleValue(1.5))
                                    .addValues(AnyValue.newBuilder().setBoolValue(true)))))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("map")
                    .setValue(
                        AnyValue.newBuilder()
                            .setKvlistValue(
                                KeyValueList.newBuilder().addValues(Otlp.attr("k", "v")))))
            .addLinks(Span.Link.newBuilder().setTraceId(Otlp.traceId(9)).setSpanId(Otlp.spanId(3)))
            .addEvents(
                Span.Event.newBuilder()
                    .setName("exception")
                    .setTimeUnixNano(T0)
                    .addAttributes(Otlp.attr("exception.type", "java.io.IOException")));
    ExportTraceServiceRequest request =
        Otlp.request(Otlp.resource("cart", List.of(span)), Otlp.resource(null, List.of()));

    byte[] json = new OtlpJsonEncoder().encode(request);

    assertThat(decoder.decode(json)).isEqualTo(request);
  }

  @Test
  void readsHexIdsIntegerEnumsAndStringOrNumberTimestamps() throws Exception {
    String json =
        """
        {"resourceSpans":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"frontend"}}]},
          "scopeSpans":[{"scope":{"name":"io.opentelemetry.http"},"spans":[
            {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
             "parentSpanId":"","name":"GET /","kind":2,
             "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
             "attributes":[{"key":"http.request.resend_count","value":{"intValue":"2"}}],
             "status":{"code":2,"message":"bad"}}]}]}]}
        """;

    Span span =
        decoder
            .decode(json.getBytes(StandardCharsets.UTF_8))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);

    assertThat(dev.faultline.schemas.Ids.toHex(span.getTraceId()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(dev.faultline.schemas.Ids.toHex(span.getSpanId())).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.getParentSpanId().isEmpty()).isTrue();
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1_544_712_660_000_000_000L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1_544_712_661_000_000_000L);
    assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(2);
    assertThat(span.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.getStatus().getMessage()).isEqualTo("bad");
  }

  @Test
  void acceptsSnakeCaseNamesEnumNamesUnknownFieldsAndNulls() throws Exception {
    String json =
        """
        {"resource_spans":[{"resource":null,"future_field":{"a":[1,2]},
          "scope_spans":[{"spans":[
            {"trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0102030405060708",
             "name":"consume","kind":"SPAN_KIND_CONSUMER",
             "start_time_unix_nano":"1","end_time_unix_nano":"2",
             "status":{"code":"STATUS_CODE_OK"},"links":null}]}]}]}
        """;

    Span span =
        decoder
            .decode(json.getBytes(StandardCharsets.UTF_8))
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);

    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(span.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_OK);
    assertThat(span.getTraceId().size()).isEqualTo(16);
  }

  @Test
  void readsThePreOneZeroInstrumentationLibrarySpans() throws Exception {
    String json =
        """
        {"resourceSpans":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"x"},
          "spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
                    "name":"old","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}
        """;

    ExportTraceServiceRequest request = decoder.decode(json.getBytes(StandardCharsets.UTF_8));

    assertThat(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName()).isEqualTo("old");
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getScope().getName()).isEqualTo("x");
  }

  @Test
  void rejectsMalformedDocumentsWithTheReason() {
    assertThatThrownBy(
            () -> decoder.decode("{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("not valid OTLP JSON");
    assertThatThrownBy(() -> decoder.decode("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("must be an object");
    assertThatThrownBy(
            () -> decoder.decode("{\"resourceSpans\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("expected an array");
    assertThatThrownBy(
            () ->
                decoder.decode(
                    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz!\"}]}]}]}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("neither hex nor base64");
    assertThatThrownBy(() -> decoder.decode("{} {}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("trailing content");
  }

  @Test
  void encodingIsDetectedFromTheHeaderElseFromTheFirstByte() {
    byte[] json = "  {\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] proto = Otlp.request(Otlp.resource("a", List.of())).toByteArray();

    assertThat(OtlpEncoding.detect(null, json)).isEqualTo(OtlpEncoding.JSON);
    assertThat(OtlpEncoding.detect(null, proto)).isEqualTo(OtlpEncoding.PROTOBUF);
    assertThat(OtlpEncoding.detect("application/x-protobuf", json))
        .isEqualTo(OtlpEncoding.PROTOBUF);
    assertThat(OtlpEncoding.detect("application/json; charset=utf-8", proto))
        .isEqualTo(OtlpEncoding.JSON);
    assertThat(OtlpEncoding.detect("text/plain", json)).isEqualTo(OtlpEncoding.JSON);
  }
}
