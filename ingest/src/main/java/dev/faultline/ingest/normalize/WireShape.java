package dev.faultline.ingest.normalize;

import java.io.IOException;

/**
 * The OTLP messages that the wire reader checks but does not read (attribute values, scopes, entity
 * references): their strings must be UTF-8 and their nested messages well formed, because the
 * generated parser, which the object path uses, refuses the whole request otherwise.
 */
enum WireShape {
  ANY_VALUE,
  ARRAY_VALUE,
  KEY_VALUE_LIST,
  KEY_VALUE,
  SCOPE,
  ENTITY_REF;

  /** Walks the embedded message of the field just tagged, in a parent {@code depth} deep. */
  void skipMessage(Wire wire, int depth) throws IOException {
    int limit = wire.enter(depth);
    skipFields(wire, depth + 1);
    wire.leave(limit);
  }

  /** Walks the fields of a message of this shape up to its end. */
  void skipFields(Wire wire, int depth) throws IOException {
    int tag;
    while ((tag = wire.readTag()) != 0) {
      WireShape child = child(tag);
      if (child != null) {
        child.skipMessage(wire, depth);
      } else if (isString(tag)) {
        wire.readUtf8Range();
      } else {
        // Numbers, bytes, and fields with an unexpected wire type: kept as unknown by parseFrom.
        wire.skipField(tag, depth);
      }
    }
  }

  /** The message type of the field with this tag, if it is an embedded message. */
  private WireShape child(int tag) {
    return switch (this) {
      // AnyValue: array_value = 5, kvlist_value = 6
      case ANY_VALUE ->
          tag == (5 << 3 | Wire.LEN)
              ? ARRAY_VALUE
              : tag == (6 << 3 | Wire.LEN) ? KEY_VALUE_LIST : null;
      // ArrayValue.values = 1
      case ARRAY_VALUE -> tag == (1 << 3 | Wire.LEN) ? ANY_VALUE : null;
      // KeyValueList.values = 1
      case KEY_VALUE_LIST -> tag == (1 << 3 | Wire.LEN) ? KEY_VALUE : null;
      // KeyValue.value = 2
      case KEY_VALUE -> tag == (2 << 3 | Wire.LEN) ? ANY_VALUE : null;
      // InstrumentationScope.attributes = 3
      case SCOPE -> tag == (3 << 3 | Wire.LEN) ? KEY_VALUE : null;
      case ENTITY_REF -> null;
    };
  }

  /** Whether the field with this tag is a proto3 string, which parsers check for UTF-8. */
  private boolean isString(int tag) {
    int field = tag >>> 3;
    return (tag & 7) == Wire.LEN
        && switch (this) {
          // AnyValue.string_value = 1, KeyValue.key = 1
          case ANY_VALUE, KEY_VALUE -> field == 1;
          // InstrumentationScope name = 1, version = 2
          case SCOPE -> field == 1 || field == 2;
          // EntityRef schema_url = 1, type = 2, id_keys = 3, description_keys = 4
          case ENTITY_REF -> field >= 1 && field <= 4;
          case ARRAY_VALUE, KEY_VALUE_LIST -> false;
        };
  }
}
