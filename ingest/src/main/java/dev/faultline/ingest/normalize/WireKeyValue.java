package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;

/**
 * The last {@code KeyValue} read from the wire: its key, looked up without decoding, and where its
 * value lies, so that only kept values are ever decoded. Reused from one attribute to the next.
 */
final class WireKeyValue {
  private static final int KEY = 1 << 3 | Wire.LEN;
  private static final int VALUE = 2 << 3 | Wire.LEN;

  private final AttributeKeys keys;
  private AttributeKeys.Key key;
  private int offset;
  private int length;
  private int valueOffset;
  private int valueLength;
  private int values;

  WireKeyValue(AttributeKeys keys) {
    this.keys = requireNonNull(keys, "keys");
  }

  /** Reads the {@code KeyValue} of the field just tagged, in a parent {@code depth} deep. */
  void read(Wire wire, int depth) throws IOException {
    int limit = wire.enter(depth);
    offset = wire.position();
    length = wire.remaining();
    key = keys.empty();
    values = 0;
    int tag;
    while ((tag = wire.readTag()) != 0) {
      if (tag == KEY) {
        long range = wire.readRange();
        key = keys.lookup(wire.bytes, Wire.offset(range), Wire.length(range));
      } else if (tag == VALUE) {
        int valueLimit = wire.enter(depth + 1);
        valueOffset = wire.position();
        valueLength = wire.remaining();
        WireShape.ANY_VALUE.skipFields(wire, depth + 2);
        wire.leave(valueLimit);
        values++;
      } else {
        wire.skipField(tag, depth + 1); // key_strindex and unknown fields
      }
    }
    wire.leave(limit);
  }

  AttributeKeys.Key key() {
    return key;
  }

  /** The value in the string form of {@link AttributeValues}. */
  String value(byte[] bytes) throws IOException {
    return switch (values) {
      case 0 -> AttributeValues.asString(AnyValue.getDefaultInstance());
      case 1 -> AttributeValues.fromWire(bytes, valueOffset, valueLength);
      // A repeated value field merges into one; the generated parser knows how.
      default ->
          AttributeValues.asString(KeyValue.parser().parseFrom(bytes, offset, length).getValue());
    };
  }
}
