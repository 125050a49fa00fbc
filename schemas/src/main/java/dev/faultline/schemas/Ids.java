package dev.faultline.schemas;

import com.google.protobuf.ByteString;

/** Trace and span identifiers: validity rules of the W3C/OpenTelemetry ids and hex forms. */
public final class Ids {
  /** Length of a trace id in bytes. */
  public static final int TRACE_ID_BYTES = 16;

  /** Length of a span id in bytes. */
  public static final int SPAN_ID_BYTES = 8;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {}

  /** A valid trace id has 16 bytes, not all zero. */
  public static boolean isValidTraceId(ByteString id) {
    return id.size() == TRACE_ID_BYTES && !allZero(id);
  }

  /** A valid span id has 8 bytes, not all zero. */
  public static boolean isValidSpanId(ByteString id) {
    return id.size() == SPAN_ID_BYTES && !allZero(id);
  }

  /** Whether every byte is zero (an empty id counts as zero). */
  public static boolean allZero(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Lower-case hex of the bytes. */
  public static String toHex(ByteString id) {
    char[] out = new char[id.size() * 2];
    for (int i = 0; i < id.size(); i++) {
      int b = id.byteAt(i) & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }

  /** Lower-case hex of the bytes. */
  public static String toHex(byte[] id) {
    return toHex(ByteString.copyFrom(id));
  }

  /**
   * Parses hex (either case) into bytes.
   *
   * @throws IllegalArgumentException if the text has odd length or a non-hex character
   */
  public static ByteString fromHex(CharSequence hex) {
    int length = hex.length();
    if ((length & 1) != 0) {
      throw new IllegalArgumentException("hex id has odd length " + length);
    }
    byte[] out = new byte[length / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("hex id has a non-hex character at " + 2 * i);
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return ByteString.copyFrom(out);
  }
}
