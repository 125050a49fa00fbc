package dev.faultline.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The value read in place from the wire is the one the generated parser's message gives. */
class AttributeValuesTest {
  private static String fromWire(AnyValue value) throws Exception {
    byte[] bytes = value.toByteArray();
    // Inside a larger array, as the wire reader sees it.
    byte[] padded = new byte[bytes.length + 6];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);
    return AttributeValues.fromWire(padded, 3, bytes.length);
  }

  @Test
  void stringsOfEveryVarintLengthReadAsTheParserReadsThem() throws Exception {
    for (int length : new int[] {0, 1, 127, 128, 129, 16_383, 16_384, 70_000}) {
      AnyValue value = AnyValue.newBuilder().setStringValue("é".repeat(length / 2)).build();
      assertThat(fromWire(value)).isEqualTo(AttributeValues.asString(value));
    }
  }

  @Test
  void intsOfEverySizeReadAsTheParserReadsThem() throws Exception {
    long[] ints = {0, 1, 127, 128, 300, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE};
    for (long n : ints) {
      AnyValue value = AnyValue.newBuilder().setIntValue(n).build();
      assertThat(fromWire(value)).isEqualTo(Long.toString(n));
    }
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      long n = random.nextLong() >> random.nextInt(64);
      assertThat(fromWire(AnyValue.newBuilder().setIntValue(n).build()))
          .isEqualTo(Long.toString(n));
    }
  }

  @Test
  void otherShapesAndMergedFieldsAreLeftToTheParser() throws Exception {
    List<AnyValue> values = new ArrayList<>();
    values.add(AnyValue.getDefaultInstance());
    values.add(AnyValue.newBuilder().setBoolValue(true).build());
    values.add(AnyValue.newBuilder().setDoubleValue(2.5).build());
    values.add(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("raw")).build());
    values.add(
        AnyValue.newBuilder()
            .setArrayValue(
                ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setIntValue(1))
                    .addValues(AnyValue.newBuilder().setStringValue("a")))
            .build());
    for (AnyValue value : values) {
      assertThat(fromWire(value)).isEqualTo(AttributeValues.asString(value));
    }
    // Two value fields in one message: the last wins, as when parsing.
    byte[] twice =
        ByteString.copyFrom(AnyValue.newBuilder().setStringValue("first").build().toByteArray())
            .concat(
                ByteString.copyFrom(AnyValue.newBuilder().setIntValue(42).build().toByteArray()))
            .toByteArray();
    assertThat(AttributeValues.fromWire(twice, 0, twice.length)).isEqualTo("42");
  }

  @Test
  void invalidUtf8IsRefusedAsByTheParser() {
    byte[] bad = {1 << 3 | 2, 2, (byte) 0xc3, (byte) 0x28};
    assertThatThrownBy(() -> AnyValue.parseFrom(bad))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> AttributeValues.fromWire(bad, 0, bad.length))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
