package dev.faultline.ingest.normalize;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.util.List;
import java.util.Random;

/**
 * Random attribute keys (kept, dropped, header, allow-listed, non-ASCII, empty) and values of every
 * {@code AnyValue} type, for {@link RandomRequests}.
 */
final class RandomValues {
  private static final List<String> KEYS =
      List.of(
          "http.request.method",
          "http.response.status_code",
          "http.route",
          "url.path",
          "server.address",
          "peer.service",
          "db.system",
          "rpc.service",
          "messaging.system",
          "http.request.header.authorization",
          "db.statement",
          "exception.type",
          "exception.message",
          "error.type",
          "team",
          "k8s.pod.name",
          "custom.key",
          "service.name",
          "service.instance.id",
          "service.version",
          "host.name",
          "",
          "héllo.wörld",
          "http.ünï😀");
  private final Random random;

  RandomValues(Random random) {
    this.random = random;
  }

  String key() {
    return KEYS.get(random.nextInt(KEYS.size()));
  }

  /** A value of any type; arrays and maps nest up to {@code depth} levels. */
  AnyValue value(int depth) {
    AnyValue.Builder value = AnyValue.newBuilder();
    switch (random.nextInt(depth > 0 ? 11 : 8)) {
      case 0 -> {} // no value set
      case 1 -> value.setBoolValue(random.nextBoolean());
      case 2 -> value.setIntValue(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(600));
      case 3 -> value.setDoubleValue(doubleValue());
      case 4 -> value.setBytesValue(bytes(random.nextInt(10)));
      case 5 -> value.setStringValueStrindex(random.nextInt(100));
      case 8 -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.addValues(value(depth - 1));
        }
        value.setArrayValue(array);
      }
      case 9 -> {
        KeyValueList.Builder list = KeyValueList.newBuilder();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          list.addValues(keyValue(random.nextBoolean() ? key() : text(), value(depth - 1)));
        }
        value.setKvlistValue(list);
      }
      default -> value.setStringValue(text());
    }
    return value.build();
  }

  private double doubleValue() {
    return switch (random.nextInt(6)) {
      case 0 -> Double.NaN;
      case 1 -> Double.NEGATIVE_INFINITY;
      case 2 -> -0.0;
      default -> random.nextGaussian() * 1e6;
    };
  }

  /** Text with the characters JSON escapes, non-ASCII, and sometimes over the length limits. */
  String text() {
    return switch (random.nextInt(8)) {
      case 0 -> "";
      case 1 -> "quote\" back\\ nl\n tab\t cr\r ctl\u0001";
      case 2 -> "ünïcödé 😀 " + random.nextInt(100);
      case 3 -> "x".repeat(random.nextInt(100));
      default -> "value-" + random.nextInt(1000);
    };
  }

  KeyValue keyValue(String key, AnyValue value) {
    KeyValue.Builder out = KeyValue.newBuilder().setKey(key);
    if (random.nextInt(10) > 0) {
      out.setValue(value);
    }
    return out.build();
  }

  ByteString bytes(int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return ByteString.copyFrom(out);
  }
}
