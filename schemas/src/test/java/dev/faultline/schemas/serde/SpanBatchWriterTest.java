package dev.faultline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.SpanLink;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanBatchWriterTest {
  private static final List<String> TEXTS =
      List.of(
          "",
          "GET /api/v1/items/{id}",
          "ünïcödé 😀",
          "x".repeat(42),
          "x".repeat(43),
          "é".repeat(70),
          "y".repeat(300),
          "lone \ud800 surrogate");

  private final Random random = new Random(42);

  @Test
  void writesTheBytesToByteArrayWritesForRandomBatches() {
    for (int i = 0; i < 2_000; i++) {
      SpanBatch batch = batch();

      assertThat(SpanBatchWriter.toByteArray(batch)).isEqualTo(batch.toByteArray());
    }
  }

  @Test
  void keepsUnknownFieldsOfABatchThatHasThem() {
    SpanBatch batch =
        batch().toBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                    .build())
            .build();

    assertThat(SpanBatchWriter.toByteArray(batch)).isEqualTo(batch.toByteArray());
  }

  /** Unpaired surrogates do not survive UTF-8; the serde loses them as protobuf does. */
  @Test
  void theSerdeReadsWhatItWrites() throws Exception {
    SpanBatch batch = batch();
    var serde = Serdes.spanBatch();

    byte[] bytes = serde.serializer().serialize("t", batch);

    assertThat(serde.deserializer().deserialize("t", bytes))
        .isEqualTo(SpanBatch.parseFrom(batch.toByteArray()));
  }

  private SpanBatch batch() {
    SpanBatch.Builder batch = SpanBatch.newBuilder();
    if (random.nextInt(5) > 0) {
      batch.setTraceId(bytes(16));
    }
    int spans = random.nextInt(5);
    for (int s = 0; s < spans; s++) {
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(bytes(random.nextInt(3) == 0 ? 0 : 16))
              .setSpanId(bytes(8))
              .setParentSpanId(bytes(random.nextBoolean() ? 0 : 8))
              .setService(text())
              .setServiceInstance(text())
              .setServiceVersion(text())
              .setName(text())
              .setKindValue(random.nextInt(6))
              .setStartUnixNano(random.nextInt(3) == 0 ? 0 : random.nextLong())
              .setEndUnixNano(random.nextInt(3) == 0 ? 0 : random.nextLong())
              .setStatusCodeValue(random.nextInt(3))
              .setStatusMessage(text());
      int links = random.nextInt(3);
      for (int l = 0; l < links; l++) {
        span.addLinks(SpanLink.newBuilder().setTraceId(bytes(16)).setSpanId(bytes(8)));
      }
      int attributes = random.nextInt(12);
      for (int a = 0; a < attributes; a++) {
        span.putAttributes(random.nextBoolean() ? "http.route" : text() + a, text());
      }
      batch.addSpans(span);
    }
    return batch.build();
  }

  private String text() {
    return TEXTS.get(random.nextInt(TEXTS.size()));
  }

  private ByteString bytes(int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return ByteString.copyFrom(out);
  }
}
