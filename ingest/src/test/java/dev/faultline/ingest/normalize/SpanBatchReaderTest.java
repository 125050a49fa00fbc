package dev.faultline.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.span.TraceSpans;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanBatchReaderTest {
  private static final List<String> NAMES =
      List.of(
          "",
          "checkout",
          "GET /api/v1/items/{id}",
          "ünïcödé 😀",
          "z".repeat(128),
          "z".repeat(129),
          "http.route",
          "db.system.name");

  private final Random random = new Random(7);
  private final SpanBatchReader reader = new SpanBatchReader();

  @Test
  void readsRandomBatchesAsTheGeneratedParserDoes() throws Exception {
    for (int i = 0; i < 3_000; i++) {
      byte[] bytes = batch().toByteArray();

      assertThat(reader.read(bytes)).isEqualTo(TraceSpans.of(SpanBatch.parseFrom(bytes)));
    }
  }

  /**
   * Flipped, dropped and inserted bytes and cut records: whatever the generated parser makes of
   * them (a batch, possibly with unknown fields, or an error), the reader makes too.
   */
  @Test
  void damagedRecordsGiveTheGeneratedParsersBatchOrItsError() {
    int rejected = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = damage(batch().toByteArray());
      TraceSpans expected;
      try {
        expected = TraceSpans.of(SpanBatch.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        rejected++;
        assertThatThrownBy(() -> reader.read(bytes))
            .isInstanceOf(InvalidProtocolBufferException.class)
            .hasMessage(e.getMessage());
        continue;
      }
      try {
        assertThat(reader.read(bytes)).isEqualTo(expected);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("the generated parser read it", e);
      }
    }
    // Both kinds of outcome were exercised.
    assertThat(rejected).isBetween(1_000, 19_000);
  }

  @Test
  void aRecordWithUnknownFieldsReadsAsTheGeneratedParserReadsItsKnownOnes() throws Exception {
    SpanBatch original = batch();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(original.toByteArray());
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeUInt64(99, 7);
    coded.flush();
    byte[] bytes = out.toByteArray();

    TraceSpans read = reader.read(bytes);

    assertThat(read).isEqualTo(TraceSpans.of(SpanBatch.parseFrom(bytes)));
    assertThat(read).isEqualTo(TraceSpans.of(original));
  }

  @Test
  void spansShareTheirBatchsTraceIdAndRepeatedNames() throws Exception {
    ByteString traceId = bytes(16);
    SpanBatch.Builder batch = SpanBatch.newBuilder().setTraceId(traceId);
    for (int i = 0; i < 3; i++) {
      batch.addSpans(
          Span.newBuilder()
              .setTraceId(traceId)
              .setSpanId(bytes(8))
              .setService("cart")
              .setName("GET /cart")
              .putAttributes("http.route", "/cart"));
    }

    TraceSpans read = reader.read(batch.build().toByteArray());

    assertThat(read.spans().get(1).getTraceId()).isSameAs(read.traceId());
    assertThat(read.spans().get(2).getService()).isSameAs(read.spans().get(0).getService());
    assertThat(read.spans().get(2).attributeKey(0)).isSameAs(read.spans().get(0).attributeKey(0));
  }

  private byte[] damage(byte[] bytes) {
    if (bytes.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    int at = random.nextInt(bytes.length);
    return switch (random.nextInt(4)) {
      case 0 -> {
        byte[] out = bytes.clone();
        out[at] = (byte) random.nextInt(256);
        yield out;
      }
      case 1 -> Arrays.copyOf(bytes, at);
      case 2 -> {
        byte[] out = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
        yield out;
      }
      default -> {
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = (byte) random.nextInt(256);
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        yield out;
      }
    };
  }

  private SpanBatch batch() {
    SpanBatch.Builder batch = SpanBatch.newBuilder();
    ByteString traceId = random.nextInt(5) == 0 ? ByteString.EMPTY : bytes(16);
    batch.setTraceId(traceId);
    int spans = random.nextInt(5);
    for (int s = 0; s < spans; s++) {
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(random.nextInt(4) == 0 ? bytes(16) : traceId)
              .setSpanId(bytes(8))
              .setParentSpanId(random.nextBoolean() ? ByteString.EMPTY : bytes(8))
              .setService(name())
              .setServiceInstance(name())
              .setServiceVersion(name())
              .setName(name())
              .setKindValue(random.nextInt(7))
              .setStartUnixNano(random.nextInt(3) == 0 ? 0 : random.nextLong())
              .setEndUnixNano(random.nextInt(3) == 0 ? 0 : random.nextLong())
              .setStatusCodeValue(random.nextInt(4))
              .setStatusMessage(random.nextInt(4) == 0 ? name() : "");
      for (int l = random.nextInt(3); l > 0; l--) {
        span.addLinks(SpanLink.newBuilder().setTraceId(bytes(16)).setSpanId(bytes(8)));
      }
      for (int a = random.nextInt(8); a > 0; a--) {
        span.putAttributes(name(), random.nextBoolean() ? name() : String.valueOf(a));
      }
      batch.addSpans(span);
    }
    return batch.build();
  }

  private String name() {
    return NAMES.get(random.nextInt(NAMES.size()));
  }

  private ByteString bytes(int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return ByteString.copyFrom(out);
  }
}
