package dev.faultline.ingest.normalize;

import com.google.protobuf.CodedInputStream;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.util.Base64;

/** The string form of OTLP attribute values in Faultline's span record. */
final class AttributeValues {
  // AnyValue's tags: string_value = 1 (length-delimited), int_value = 3 (varint).
  private static final byte STRING_TAG = 1 << 3 | 2;
  private static final byte INT_TAG = 3 << 3;

  private AttributeValues() {}

  /** Strings as they are, numbers in decimal, booleans as true/false, arrays and maps as JSON. */
  static String asString(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> {
        StringBuilder out = new StringBuilder();
        appendJson(out, value);
        yield out.toString();
      }
      default -> "";
    };
  }

  /**
   * The same string form of an {@code AnyValue} still in its wire bytes, already checked well
   * formed. A lone scalar (nearly every attribute) is read in place; anything else (arrays, maps,
   * bytes, repeated or unknown fields, whose merge rules the generated parser knows best) is
   * parsed.
   */
  static String fromWire(byte[] bytes, int offset, int length) throws IOException {
    // The two usual shapes first, without a CodedInputStream per value: a string of fewer than
    // 16,384 bytes, and an int.
    int end = offset + length;
    if (length >= 2 && bytes[offset] == STRING_TAG) {
      int size = bytes[offset + 1];
      int start = offset + 2;
      if (size < 0 && length >= 3 && bytes[offset + 2] >= 0) {
        size = (size & 0x7f) | bytes[offset + 2] << 7;
        start++;
      }
      if (size >= 0 && start + size == end) {
        return Wire.string(bytes, start, size);
      }
    } else if (length >= 2 && bytes[offset] == INT_TAG) {
      long value = 0;
      for (int i = offset + 1, shift = 0; i < end && shift < 64; i++, shift += 7) {
        value |= (long) (bytes[i] & 0x7f) << shift;
        if (bytes[i] >= 0) {
          if (i + 1 == end) {
            return Long.toString(value);
          }
          break;
        }
      }
    }
    return parsed(bytes, offset, length);
  }

  private static String parsed(byte[] bytes, int offset, int length) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
    String scalar =
        switch (in.readTag()) {
          case 1 << 3 | 2 -> in.readStringRequireUtf8(); // string_value = 1
          case 2 << 3 -> Boolean.toString(in.readBool()); // bool_value = 2
          case 3 << 3 -> Long.toString(in.readInt64()); // int_value = 3
          case 4 << 3 | 1 -> Double.toString(in.readDouble()); // double_value = 4
          default -> null;
        };
    if (scalar != null && in.isAtEnd()) {
      return scalar;
    }
    return asString(AnyValue.parser().parseFrom(bytes, offset, length));
  }

  private static void appendJson(StringBuilder out, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> appendQuoted(out, value.getStringValue());
      case BOOL_VALUE -> out.append(value.getBoolValue());
      case INT_VALUE -> out.append(value.getIntValue());
      case DOUBLE_VALUE -> {
        double d = value.getDoubleValue();
        if (Double.isFinite(d)) {
          out.append(d);
        } else {
          appendQuoted(out, Double.toString(d));
        }
      }
      case BYTES_VALUE ->
          appendQuoted(
              out, Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        out.append('[');
        for (int i = 0; i < value.getArrayValue().getValuesCount(); i++) {
          if (i > 0) {
            out.append(',');
          }
          appendJson(out, value.getArrayValue().getValues(i));
        }
        out.append(']');
      }
      case KVLIST_VALUE -> {
        out.append('{');
        for (int i = 0; i < value.getKvlistValue().getValuesCount(); i++) {
          KeyValue entry = value.getKvlistValue().getValues(i);
          if (i > 0) {
            out.append(',');
          }
          appendQuoted(out, entry.getKey());
          out.append(':');
          appendJson(out, entry.getValue());
        }
        out.append('}');
      }
      default -> out.append("null");
    }
  }

  private static void appendQuoted(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
