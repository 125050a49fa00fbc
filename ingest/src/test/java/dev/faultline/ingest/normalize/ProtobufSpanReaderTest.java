package dev.faultline.ingest.normalize;

import static dev.faultline.ingest.testing.Otlp.T0;
import static dev.faultline.ingest.testing.Otlp.attr;
import static dev.faultline.ingest.testing.Otlp.request;
import static dev.faultline.ingest.testing.Otlp.resource;
import static dev.faultline.ingest.testing.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wire reader on inputs whose wire form matters: field order, merged fields, nesting limits,
 * groups and bad UTF-8. Each case also checks that the object path agrees.
 */
class ProtobufSpanReaderTest {
  private static final long RECORD_MS = T0 / 1_000_000L;

  private final NormalizerSettings settings = NormalizerSettings.defaults();
  private final ProtobufSpanReader reader = new ProtobufSpanReader(settings);

  @Test
  void readsAnSdkShapedRequestAsTheObjectPathDoes() throws Exception {
    var otlp =
        span(1, 2, 1, "GET /cart", SpanKind.SPAN_KIND_CLIENT)
            .addAttributes(attr("http.request.method", "GET"))
            .addAttributes(attr("http.response.status_code", 503))
            .addAttributes(attr("db.statement", "SELECT secret"))
            .addAttributes(attr("http.request.header.authorization", "Bearer x"));

    Normalized out = assertSameAsObjectPath(request(resource("cart", List.of(otlp))).toByteArray());

    assertThat(out.batches().get(0).getSpans(0).getAttributesMap())
        .containsOnlyKeys("http.request.method", "http.response.status_code");
  }

  @Test
  void aResourceAfterItsSpansStillNamesTheirService() throws Exception {
    var resourceSpans =
        resource("frontend", List.of(span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER)));
    byte[] bytes =
        field(
            1,
            field(2, resourceSpans.getScopeSpans(0).toByteArray()),
            field(1, resourceSpans.getResource().toByteArray()));

    Normalized out = assertSameAsObjectPath(bytes);

    assertThat(out.batches().get(0).getSpans(0).getService()).isEqualTo("frontend");
  }

  @Test
  void aKeyAfterItsValueStillDecidesWhetherTheValueIsKept() throws Exception {
    byte[] value = AnyValue.newBuilder().setStringValue("/cart/{id}").build().toByteArray();
    byte[] attribute = concat(field(2, value), field(1, bytes("http.route")));
    byte[] span =
        concat(
            span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).build().toByteArray(),
            field(9, attribute));

    Normalized out = assertSameAsObjectPath(inRequest(span));

    assertThat(out.batches().get(0).getSpans(0).getAttributesMap())
        .containsEntry("http.route", "/cart/{id}");
  }

  @Test
  void invalidUtf8InADroppedAttributeValueMakesTheRecordUndecodable() throws Exception {
    byte[] value = field(1, new byte[] {(byte) 0xc3, 0x28});
    byte[] attribute = concat(field(1, bytes("db.statement")), field(2, value));
    byte[] span =
        concat(
            span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).build().toByteArray(),
            field(9, attribute));

    assertRefusedLikeParseFrom(inRequest(span));
  }

  /** Names seen before are one String each, and the spans of a trace share one trace id. */
  @Test
  void repeatedNamesAndTraceIdsAreSharedAcrossSpansAndRequests() throws Exception {
    var first =
        span(1, 1, 0, "GET /cart", SpanKind.SPAN_KIND_SERVER)
            .addAttributes(attr("http.route", "/cart"));
    var second =
        span(1, 2, 1, "GET /cart", SpanKind.SPAN_KIND_SERVER)
            .addAttributes(attr("http.route", "/cart"));
    byte[] bytes = request(resource("cart", List.of(first, second))).toByteArray();

    var spans = assertSameAsObjectPath(bytes).batches().get(0).getSpansList();
    var again = reader.read(bytes, RECORD_MS).batches().get(0).getSpans(0);

    assertThat(spans.get(1).getName()).isSameAs(spans.get(0).getName());
    assertThat(spans.get(1).getTraceId()).isSameAs(spans.get(0).getTraceId());
    assertThat(again.getName()).isSameAs(spans.get(0).getName());
  }

  /** A name refused once is refused again: only names that decoded are remembered. */
  @Test
  void invalidUtf8InANameIsRefusedAfterValidNames() throws Exception {
    byte[] good = inRequest(span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).build().toByteArray());
    reader.read(good, RECORD_MS);
    byte[] bad =
        concat(
            span(1, 1, 0, "", SpanKind.SPAN_KIND_SERVER).build().toByteArray(),
            field(5, new byte[] {(byte) 0xc3, 0x28}));

    assertRefusedLikeParseFrom(inRequest(bad));
    assertRefusedLikeParseFrom(inRequest(bad));
  }

  @Test
  void aStrayEndGroupTagMakesTheRecordUndecodable() throws Exception {
    byte[] span =
        concat(span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).build().toByteArray(), tag(50, 4));

    assertRefusedLikeParseFrom(inRequest(span));
  }

  /** Arrays nested in an attribute value reach the parser's limit of 100 nested messages. */
  @Test
  void nestingUpToTheRecursionLimitIsReadAndDeeperIsUndecodable() throws Exception {
    Set<Boolean> outcomes = new HashSet<>();
    for (String key : List.of("http.nested", "db.nested")) {
      for (int depth = 40; depth < 56; depth++) {
        AnyValue value = AnyValue.newBuilder().setStringValue("leaf").build();
        for (int i = 0; i < depth; i++) {
          value =
              AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value)).build();
        }
        var otlp =
            span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER)
                .addAttributes(KeyValue.newBuilder().setKey(key).setValue(value));
        outcomes.add(assertSameOutcome(request(resource("a", List.of(otlp))).toByteArray()));
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrder(true, false);
  }

  /** Groups in unknown fields nest too, and count towards the same limit. */
  @Test
  void groupsInUnknownFieldsCountTowardsTheRecursionLimit() throws Exception {
    Set<Boolean> outcomes = new HashSet<>();
    for (int depth = 90; depth < 100; depth++) {
      ByteArrayOutputStream groups = new ByteArrayOutputStream();
      for (int i = 0; i < depth; i++) {
        groups.write(tag(50 + i, 3));
      }
      for (int i = depth - 1; i >= 0; i--) {
        groups.write(tag(50 + i, 4));
      }
      byte[] span =
          concat(
              span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).build().toByteArray(),
              groups.toByteArray());
      outcomes.add(assertSameOutcome(inRequest(span)));
    }
    assertThat(outcomes).containsExactlyInAnyOrder(true, false);
  }

  @Test
  void aGroupClosedByAnotherFieldsEndTagMakesTheRecordUndecodable() throws Exception {
    byte[] span =
        concat(
            span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER).build().toByteArray(),
            tag(50, 3),
            tag(51, 4));

    assertRefusedLikeParseFrom(inRequest(span));
  }

  @Test
  void aRejectedSpanGoesToTheDeadLetterWithItsResourceMergedFromEveryResourceField()
      throws Exception {
    var bad =
        span(1, 2, 0, "bad", SpanKind.SPAN_KIND_SERVER).setSpanId(ByteString.copyFrom(new byte[8]));
    var resourceSpans = resource("a", List.of(bad));
    Resource more = Resource.newBuilder().addAttributes(attr("host.name", "node-1")).build();
    byte[] bytes =
        field(
            1,
            field(1, resourceSpans.getResource().toByteArray()),
            field(2, resourceSpans.getScopeSpans(0).toByteArray()),
            field(1, more.toByteArray()));

    Normalized out = assertSameAsObjectPath(bytes);

    Resource deadLetterResource = out.rejections().get(0).spans().getResourceSpans(0).getResource();
    assertThat(deadLetterResource.getAttributesList())
        .extracting(KeyValue::getKey)
        .containsExactly("service.name", "service.instance.id", "service.version", "host.name");
  }

  /** The reader remembers resources by their bytes; a rejection still gets the whole resource. */
  @Test
  void aResourceSeenInAnEarlierRecordIsReadTheSameWay() throws Exception {
    var good = span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER);
    var bad =
        span(2, 2, 0, "y", SpanKind.SPAN_KIND_SERVER).setSpanId(ByteString.copyFrom(new byte[8]));

    assertSameAsObjectPath(request(resource("cart", List.of(good))).toByteArray());
    Normalized second =
        assertSameAsObjectPath(request(resource("cart", List.of(good, bad))).toByteArray());

    assertThat(second.batches().get(0).getSpans(0).getService()).isEqualTo("cart");
    assertThat(second.rejections()).hasSize(1);
  }

  @Test
  void keysBeyondTheCacheAreStillJudgedByTheFilter() throws Exception {
    ProtobufSpanReader custom =
        new ProtobufSpanReader(
            new NormalizerSettings(
                List.of("k8s.*"),
                settings.maxAttributeLength(),
                settings.maxNameLength(),
                settings.maxSpanAgeMs(),
                settings.maxFutureSkewMs(),
                settings.maxSpanDurationMs()));
    var otlp = span(1, 1, 0, "x", SpanKind.SPAN_KIND_SERVER);
    for (int i = 0; i < 5_000; i++) {
      otlp.addAttributes(attr((i % 2 == 0 ? "k8s.label." : "other.") + i, "v"));
    }

    Normalized out = custom.read(request(resource("a", List.of(otlp))).toByteArray(), RECORD_MS);

    assertThat(out.batches().get(0).getSpans(0).getAttributesMap()).hasSize(2_500);
  }

  @Test
  void noBytesAreAnEmptyRequest() throws Exception {
    assertThat(assertSameAsObjectPath(new byte[0]).batches()).isEmpty();
  }

  private Normalized assertSameAsObjectPath(byte[] bytes) throws Exception {
    Normalized expected =
        new SpanNormalizer(settings)
            .normalize(ExportTraceServiceRequest.parseFrom(bytes), RECORD_MS);
    Normalized actual = reader.read(bytes, RECORD_MS);
    assertThat(actual).isEqualTo(expected);
    return actual;
  }

  private void assertRefusedLikeParseFrom(byte[] bytes) {
    assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(bytes))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> reader.read(bytes, RECORD_MS))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("not an OTLP protobuf ExportTraceServiceRequest: ");
  }

  /** Whether the bytes were accepted; asserts both paths agree. */
  private boolean assertSameOutcome(byte[] bytes) throws Exception {
    try {
      ExportTraceServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      assertRefusedLikeParseFrom(bytes);
      return false;
    }
    assertSameAsObjectPath(bytes);
    return true;
  }

  /** A request of one resource and one scope holding the span message {@code span}. */
  private static byte[] inRequest(byte[] span) throws IOException {
    return field(1, field(2, field(2, span)));
  }

  private static byte[] field(int number, byte[]... content) throws IOException {
    byte[] joined = concat(content);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    stream.writeByteArray(number, joined);
    stream.flush();
    return out.toByteArray();
  }

  private static byte[] tag(int number, int wireType) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    stream.writeUInt32NoTag(number << 3 | wireType);
    stream.flush();
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
