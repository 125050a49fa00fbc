package dev.faultline.ingest.normalize;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A reading position in protobuf bytes: a {@link CodedInputStream} that also knows where it is in
 * the array, so that fields can be remembered as ranges and decoded (or not) later. It fails
 * exactly where the generated parsers fail: the same varint, length, UTF-8, group and nesting
 * checks, so a record that {@code parseFrom} rejects is rejected here too.
 */
final class Wire {
  /** Wire types, for tag constants: {@code FIELD << 3 | LEN}. */
  static final int VARINT = WireFormat.WIRETYPE_VARINT;

  static final int I64 = WireFormat.WIRETYPE_FIXED64;
  static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** CodedInputStream's default: nested messages and groups beyond this depth are refused. */
  static final int RECURSION_LIMIT = 100;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  final byte[] bytes;
  final CodedInputStream in;
  private final int base;

  private Wire(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.base = offset;
    this.in = CodedInputStream.newInstance(bytes, offset, length);
  }

  /** Reads the {@code length} bytes at {@code offset} of {@code bytes} as one message. */
  static Wire over(byte[] bytes, int offset, int length) {
    return new Wire(bytes, offset, length);
  }

  /** The next tag, or 0 at the end of the current message. */
  int readTag() throws IOException {
    return in.readTag();
  }

  /** Offset in {@link #bytes} of the next byte to read. */
  int position() {
    return base + in.getTotalBytesRead();
  }

  /** Bytes left in the message entered last. */
  int remaining() {
    return in.getBytesUntilLimit();
  }

  /**
   * Enters the embedded message of the field just tagged, whose parent's fields sit {@code depth}
   * messages deep; returns the limit for {@link #leave}.
   */
  int enter(int depth) throws IOException {
    int length = in.readRawVarint32();
    checkDepth(depth);
    return in.pushLimit(length);
  }

  void leave(int limit) {
    in.popLimit(limit);
  }

  /** Skips a length-delimited field, returning its content as a {@link #range}. */
  long readRange() throws IOException {
    int length = in.readRawVarint32();
    int offset = position();
    in.skipRawBytes(length);
    return range(offset, length);
  }

  /** Skips a string field after checking it is UTF-8, as proto3 parsers do for strings. */
  long readUtf8Range() throws IOException {
    long range = readRange();
    if (!isUtf8(bytes, offset(range), length(range))) {
      throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
    }
    return range;
  }

  /** Reads a string field, refused as the generated parsers refuse invalid UTF-8. */
  String readString() throws IOException {
    long range = readRange();
    return string(bytes, offset(range), length(range));
  }

  /** The UTF-8 string at a range, refused as the generated parsers refuse invalid UTF-8. */
  static String string(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    if (!isUtf8(bytes, offset, length)) {
      throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
    }
    return new String(bytes, offset, length, StandardCharsets.UTF_8);
  }

  /**
   * Skips a field this reader does not use, as the generated parsers keep unknown fields: groups
   * are walked (they nest), a stray end-group tag is an error, the rest is skipped by its length.
   */
  void skipField(int tag, int depth) throws IOException {
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_START_GROUP -> skipGroup(tag, depth);
      case WireFormat.WIRETYPE_END_GROUP -> throw endGroupMismatch();
      default -> in.skipField(tag); // throws on wire types 6 and 7
    }
  }

  private void skipGroup(int startTag, int depth) throws IOException {
    checkDepth(depth);
    int endTag = startTag - WireFormat.WIRETYPE_START_GROUP + WireFormat.WIRETYPE_END_GROUP;
    while (true) {
      int tag = in.readTag();
      if (tag == endTag) {
        return;
      }
      if (tag == 0 || WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_END_GROUP) {
        throw endGroupMismatch();
      }
      skipField(tag, depth + 1);
    }
  }

  private static void checkDepth(int depth) throws InvalidProtocolBufferException {
    if (depth >= RECURSION_LIMIT) {
      throw new InvalidProtocolBufferException(
          "Protocol message had too many levels of nesting.  May be malicious.");
    }
  }

  private static InvalidProtocolBufferException endGroupMismatch() {
    return new InvalidProtocolBufferException(
        "Protocol message end-group tag did not match expected tag.");
  }

  /**
   * Whether the bytes are well-formed UTF-8. Attribute text is nearly all ASCII, so an ASCII prefix
   * is skipped eight bytes at a time; protobuf's own check judges the rest.
   */
  static boolean isUtf8(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i <= end - Long.BYTES && (longAt(bytes, i) & 0x8080_8080_8080_8080L) == 0) {
      i += Long.BYTES;
    }
    while (i < end && bytes[i] >= 0) {
      i++;
    }
    // After ASCII a character starts, so the rest is valid on its own or not at all.
    return i == end || UnsafeByteOperations.unsafeWrap(bytes, i, end - i).isValidUtf8();
  }

  /** Eight bytes at {@code offset}, little-endian. */
  static long longAt(byte[] bytes, int offset) {
    return (long) LONGS.get(bytes, offset);
  }

  /** A byte range packed into a long: offset in the high half, length in the low. */
  static long range(int offset, int length) {
    return (long) offset << 32 | (length & 0xffff_ffffL);
  }

  static int offset(long range) {
    return (int) (range >>> 32);
  }

  static int length(long range) {
    return (int) range;
  }
}
