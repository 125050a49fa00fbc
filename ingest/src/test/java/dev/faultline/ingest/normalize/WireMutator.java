package dev.faultline.ingest.normalize;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Rewrites an encoded {@code ExportTraceServiceRequest} the way other encoders, newer schemas or
 * hostile senders might while keeping it parseable: unknown fields of every wire type (groups too,
 * and known numbers with the wrong wire type), repeated scalar fields, a message field split in two
 * (which parsers merge), duplicated fields and shuffled field order, at any depth.
 */
final class WireMutator {
  /** The OTLP messages, with the tags of their embedded-message fields. */
  enum Shape {
    REQUEST,
    RESOURCE_SPANS,
    RESOURCE,
    SCOPE_SPANS,
    SCOPE,
    SPAN,
    EVENT,
    LINK,
    STATUS,
    KEY_VALUE,
    ANY_VALUE,
    ARRAY,
    KV_LIST,
    ENTITY_REF;

    Shape child(int tag) {
      Map<Integer, Shape> children =
          switch (this) {
            case REQUEST -> Map.of(10, RESOURCE_SPANS);
            case RESOURCE_SPANS -> Map.of(10, RESOURCE, 18, SCOPE_SPANS);
            case RESOURCE -> Map.of(10, KEY_VALUE, 26, ENTITY_REF);
            case SCOPE_SPANS -> Map.of(10, SCOPE, 18, SPAN);
            case SCOPE -> Map.of(26, KEY_VALUE);
            case SPAN -> Map.of(74, KEY_VALUE, 90, EVENT, 106, LINK, 122, STATUS);
            case EVENT -> Map.of(26, KEY_VALUE);
            case LINK -> Map.of(34, KEY_VALUE);
            case KEY_VALUE -> Map.of(18, ANY_VALUE);
            case ANY_VALUE -> Map.of(42, ARRAY, 50, KV_LIST);
            case ARRAY -> Map.of(10, ANY_VALUE);
            case KV_LIST -> Map.of(10, KEY_VALUE);
            case STATUS, ENTITY_REF -> Map.of();
          };
      return children.get(tag);
    }
  }

  private record Field(int tag, byte[] value) {}

  private final Random random;
  private final double rate;

  /** Mutates each message with probability {@code rate} per kind of change. */
  WireMutator(Random random, double rate) {
    this.random = random;
    this.rate = rate;
  }

  byte[] mutate(byte[] message) {
    try {
      return write(mutateFields(message, Shape.REQUEST));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Field> mutateFields(byte[] message, Shape shape) throws IOException {
    List<Field> fields = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    int tag;
    while ((tag = in.readTag()) != 0) {
      Field field =
          switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> new Field(tag, varint(in.readRawVarint64()));
            case WireFormat.WIRETYPE_FIXED64 -> new Field(tag, in.readRawBytes(8));
            case WireFormat.WIRETYPE_FIXED32 -> new Field(tag, in.readRawBytes(4));
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
              byte[] content = in.readByteArray();
              Shape child = shape.child(tag);
              yield new Field(tag, child == null ? content : write(mutateFields(content, child)));
            }
            default -> throw new IllegalStateException("unexpected wire type in " + tag);
          };
      fields.add(field);
    }
    if (hit()) {
      fields.add(random.nextInt(fields.size() + 1), unknownField(0));
    }
    if (hit() && !fields.isEmpty()) {
      Field copy = fields.get(random.nextInt(fields.size()));
      fields.add(random.nextInt(fields.size() + 1), copy);
    }
    if (hit() && !fields.isEmpty()) {
      splitOrRepeat(fields, shape);
    }
    if (hit() && random.nextInt(3) == 0) {
      Collections.shuffle(fields, random);
    }
    return fields;
  }

  /** Splits an embedded message in two, or puts another value before a scalar field. */
  private void splitOrRepeat(List<Field> fields, Shape shape) throws IOException {
    int index = random.nextInt(fields.size());
    Field field = fields.get(index);
    Shape child = shape.child(field.tag());
    List<Field> inner = child == null ? null : parseOrNull(field.value());
    if (inner != null) {
      int cut = random.nextInt(inner.size() + 1);
      fields.set(index, new Field(field.tag(), write(inner.subList(0, cut))));
      fields.add(index + 1, new Field(field.tag(), write(inner.subList(cut, inner.size()))));
    } else if (WireFormat.getTagWireType(field.tag()) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      byte[] other = ("other-" + random.nextInt(100) + "-ü").getBytes(StandardCharsets.UTF_8);
      fields.add(index, new Field(field.tag(), other));
    } else if (WireFormat.getTagWireType(field.tag()) == WireFormat.WIRETYPE_VARINT) {
      fields.add(index, new Field(field.tag(), varint(random.nextInt(5))));
    } else {
      byte[] other = field.value().clone();
      other[0]++;
      fields.add(index, new Field(field.tag(), other));
    }
  }

  /** A field no OTLP schema here knows, or a known number with another wire type. */
  private Field unknownField(int depth) throws IOException {
    int number =
        switch (random.nextInt(3)) {
          case 0 -> 1 + random.nextInt(16);
          case 1 -> 17 + random.nextInt(2000);
          default -> 1 + random.nextInt((1 << 29) - 1);
        };
    int type = random.nextInt(depth < 2 ? 5 : 4);
    return switch (type) {
      case 0 -> new Field(number << 3, varint(random.nextLong()));
      case 1 -> new Field(number << 3 | 1, randomBytes(8));
      case 2 -> new Field(number << 3 | 5, randomBytes(4));
      case 3 -> {
        yield new Field(number << 3 | 2, randomBytes(random.nextInt(12)));
      }
      default -> {
        // A group: its fields, then the end tag; the value holds both.
        List<Field> inner = new ArrayList<>();
        int size = random.nextInt(3);
        for (int i = 0; i < size; i++) {
          inner.add(unknownField(depth + 1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(write(inner));
        out.write(varint(number << 3 | 4));
        yield new Field(number << 3 | 3, out.toByteArray());
      }
    };
  }

  private boolean hit() {
    return random.nextDouble() < rate;
  }

  private byte[] randomBytes(int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  /** The fields, or null for an added field of a message's number whose bytes are random. */
  private static List<Field> parseOrNull(byte[] message) {
    try {
      return parse(message);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<Field> parse(byte[] message) throws IOException {
    List<Field> fields = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    int tag;
    while ((tag = in.readTag()) != 0) {
      fields.add(
          switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> new Field(tag, varint(in.readRawVarint64()));
            case WireFormat.WIRETYPE_FIXED64 -> new Field(tag, in.readRawBytes(8));
            case WireFormat.WIRETYPE_FIXED32 -> new Field(tag, in.readRawBytes(4));
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> new Field(tag, in.readByteArray());
            case WireFormat.WIRETYPE_START_GROUP -> {
              // Only our own groups get here; keep the raw rest up to and including the end tag.
              int start = in.getTotalBytesRead();
              in.skipMessage();
              int end = in.getTotalBytesRead();
              byte[] raw = new byte[end - start];
              System.arraycopy(message, start, raw, 0, raw.length);
              yield new Field(tag, raw);
            }
            default -> throw new IOException("unexpected wire type in " + tag);
          });
    }
    return fields;
  }

  /** Length-delimited values are kept without their length, which is written here. */
  private static byte[] write(List<Field> fields) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Field field : fields) {
      out.write(varint(field.tag()));
      out.write(
          WireFormat.getTagWireType(field.tag()) == WireFormat.WIRETYPE_LENGTH_DELIMITED
              ? lengthPrefixed(field.value())
              : field.value());
    }
    return out.toByteArray();
  }

  private static byte[] lengthPrefixed(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(varint(content.length));
    out.write(content);
    return out.toByteArray();
  }

  private static byte[] varint(long value) throws IOException {
    byte[] out = new byte[CodedOutputStream.computeUInt64SizeNoTag(value)];
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    stream.writeUInt64NoTag(value);
    stream.flush();
    return out;
  }
}
