package dev.faultline.schemas.serde;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import dev.faultline.schemas.span.SpanRecord;
import dev.faultline.schemas.span.TraceSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a {@link SpanBatch} byte for byte as {@code toByteArray} does, with less work: protobuf
 * writes each attribute through two short-lived map-entry messages and measures its strings twice,
 * and attributes are most of a batch. Sizes are measured once, in a first pass, and written in the
 * second.
 */
final class SpanBatchWriter {
  // SpanBatch
  private static final int BATCH_TRACE_ID = 1;
  private static final int BATCH_SPANS = 2;
  // Span
  private static final int TRACE_ID = 1;
  private static final int SPAN_ID = 2;
  private static final int PARENT_SPAN_ID = 3;
  private static final int SERVICE = 4;
  private static final int SERVICE_INSTANCE = 5;
  private static final int SERVICE_VERSION = 6;
  private static final int NAME = 7;
  private static final int KIND = 8;
  private static final int START = 9;
  private static final int END = 10;
  private static final int STATUS_CODE = 11;
  private static final int STATUS_MESSAGE = 12;
  private static final int LINKS = 13;
  private static final int ATTRIBUTES = 14;
  // A map entry
  private static final int KEY = 1;
  private static final int VALUE = 2;

  /** Names longer than this are seldom repeated (ids, URLs) and are encoded every time. */
  private static final int MAX_CACHED_NAME_CHARS = 128;

  private static final int MAX_CACHED_NAMES = 4_096;

  /** One writer per thread: Kafka Streams shares a sink's serializer among its stream threads. */
  private static final ThreadLocal<SpanBatchWriter> WRITERS =
      ThreadLocal.withInitial(SpanBatchWriter::new);

  /** Sizes from the first pass, in the order the second needs them: a span, then its entries. */
  private int[] sizes = new int[64];

  private int count;

  /**
   * The UTF-8 of the strings that repeat from span to span (services, instances, versions,
   * operations, attribute keys), encoded once: ingest's decoders give each distinct name one
   * String, so a lookup is mostly an identity check on a cached hash. Attribute values are not
   * cached: they vary, and hashing a new string costs as much as encoding it.
   */
  private final Map<String, byte[]> names = new HashMap<>();

  /** The bytes of {@code batch}; equal to {@code batch.toByteArray()}. */
  static byte[] toByteArray(SpanBatch batch) {
    if (hasUnknownFields(batch)) {
      return batch.toByteArray(); // not from ingest; the generic path knows how to keep them
    }
    return WRITERS.get().write(TraceSpans.of(batch));
  }

  /** The bytes of the {@code SpanBatch} message holding {@code batch}, as ingest writes them. */
  static byte[] toByteArray(TraceSpans batch) {
    return WRITERS.get().write(batch);
  }

  /** Fields or enum numbers this version does not know, which only the message keeps. */
  private static boolean hasUnknownFields(SpanBatch batch) {
    if (batch.getUnknownFields().getSerializedSize() > 0) {
      return true;
    }
    for (Span span : batch.getSpansList()) {
      if (span.getUnknownFields().getSerializedSize() > 0
          || span.getKind() == SpanKind.UNRECOGNIZED
          || span.getStatusCode() == StatusCode.UNRECOGNIZED) {
        return true;
      }
    }
    return false;
  }

  private byte[] write(TraceSpans batch) {
    count = 0;
    int size = bytesSize(BATCH_TRACE_ID, batch.traceId().size());
    for (SpanRecord span : batch.spans()) {
      int spanSize = measure(span);
      size += CodedOutputStream.computeTagSize(BATCH_SPANS) + lengthPrefixed(spanSize);
    }
    byte[] out = new byte[size];
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    try {
      if (!batch.traceId().isEmpty()) {
        stream.writeBytes(BATCH_TRACE_ID, batch.traceId());
      }
      int next = 0;
      for (SpanRecord span : batch.spans()) {
        stream.writeTag(BATCH_SPANS, 2);
        stream.writeUInt32NoTag(sizes[next]);
        next = write(stream, span, next + 1);
      }
      stream.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("a span batch outgrew its measured size", e);
    }
    return out;
  }

  /** The size of a span, recorded with the sizes of its attribute entries. */
  private int measure(SpanRecord span) {
    int spanAt = add(0);
    int size =
        bytesSize(TRACE_ID, span.getTraceId().size())
            + bytesSize(SPAN_ID, span.getSpanId().size())
            + bytesSize(PARENT_SPAN_ID, span.getParentSpanId().size())
            + nameSize(SERVICE, span.getService())
            + nameSize(SERVICE_INSTANCE, span.getServiceInstance())
            + nameSize(SERVICE_VERSION, span.getServiceVersion())
            + nameSize(NAME, span.getName())
            + (span.getKind().getNumber() == 0
                ? 0
                : CodedOutputStream.computeEnumSize(KIND, span.getKind().getNumber()))
            + (span.getStartUnixNano() == 0 ? 0 : CodedOutputStream.computeFixed64Size(START, 0))
            + (span.getEndUnixNano() == 0 ? 0 : CodedOutputStream.computeFixed64Size(END, 0))
            + (span.getStatusCode().getNumber() == 0
                ? 0
                : CodedOutputStream.computeEnumSize(STATUS_CODE, span.getStatusCode().getNumber()))
            + stringSize(STATUS_MESSAGE, span.getStatusMessage());
    for (SpanLink link : span.getLinksList()) {
      size += CodedOutputStream.computeMessageSize(LINKS, link);
    }
    for (int a = 0; a < span.getAttributesCount(); a++) {
      // Map entries always carry both fields, empty or not.
      int entry =
          CodedOutputStream.computeTagSize(KEY)
              + lengthPrefixed(utf8(span.attributeKey(a)).length)
              + CodedOutputStream.computeStringSize(VALUE, span.attributeValue(a));
      add(entry);
      size += CodedOutputStream.computeTagSize(ATTRIBUTES) + lengthPrefixed(entry);
    }
    sizes[spanAt] = size;
    return size;
  }

  /** Writes a span whose entry sizes start at {@code next}; returns the index after them. */
  private int write(CodedOutputStream out, SpanRecord span, int next) throws IOException {
    writeBytes(out, TRACE_ID, span.getTraceId());
    writeBytes(out, SPAN_ID, span.getSpanId());
    writeBytes(out, PARENT_SPAN_ID, span.getParentSpanId());
    writeName(out, SERVICE, span.getService());
    writeName(out, SERVICE_INSTANCE, span.getServiceInstance());
    writeName(out, SERVICE_VERSION, span.getServiceVersion());
    writeName(out, NAME, span.getName());
    if (span.getKind().getNumber() != 0) {
      out.writeEnum(KIND, span.getKind().getNumber());
    }
    if (span.getStartUnixNano() != 0) {
      out.writeFixed64(START, span.getStartUnixNano());
    }
    if (span.getEndUnixNano() != 0) {
      out.writeFixed64(END, span.getEndUnixNano());
    }
    if (span.getStatusCode().getNumber() != 0) {
      out.writeEnum(STATUS_CODE, span.getStatusCode().getNumber());
    }
    writeString(out, STATUS_MESSAGE, span.getStatusMessage());
    for (SpanLink link : span.getLinksList()) {
      out.writeMessage(LINKS, link);
    }
    int entry = next;
    for (int a = 0; a < span.getAttributesCount(); a++) {
      out.writeTag(ATTRIBUTES, 2);
      out.writeUInt32NoTag(sizes[entry++]);
      byte[] key = utf8(span.attributeKey(a));
      out.writeTag(KEY, 2);
      out.writeUInt32NoTag(key.length);
      out.writeRawBytes(key);
      out.writeString(VALUE, span.attributeValue(a));
    }
    return entry;
  }

  private int add(int size) {
    if (count == sizes.length) {
      sizes = Arrays.copyOf(sizes, count * 2);
    }
    sizes[count] = size;
    return count++;
  }

  private static int lengthPrefixed(int length) {
    return CodedOutputStream.computeUInt32SizeNoTag(length) + length;
  }

  private static int bytesSize(int field, int length) {
    return length == 0 ? 0 : CodedOutputStream.computeTagSize(field) + lengthPrefixed(length);
  }

  private static int stringSize(int field, String value) {
    return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, value);
  }

  /**
   * The bytes protobuf writes for {@code name}: UTF-8, with an unpaired surrogate as {@code ?} (its
   * fallback encodes such strings with {@code getBytes}, as here).
   */
  private byte[] utf8(String name) {
    byte[] known = names.get(name);
    if (known == null) {
      known = name.getBytes(StandardCharsets.UTF_8);
      if (name.length() <= MAX_CACHED_NAME_CHARS) {
        if (names.size() == MAX_CACHED_NAMES) {
          names.clear(); // names that never repeat cost a bounded map, not memory
        }
        names.put(name, known);
      }
    }
    return known;
  }

  private int nameSize(int field, String name) {
    return name.isEmpty()
        ? 0
        : CodedOutputStream.computeTagSize(field) + lengthPrefixed(utf8(name).length);
  }

  private void writeName(CodedOutputStream out, int field, String name) throws IOException {
    if (!name.isEmpty()) {
      byte[] bytes = utf8(name);
      out.writeTag(field, 2);
      out.writeUInt32NoTag(bytes.length);
      out.writeRawBytes(bytes);
    }
  }

  private static void writeBytes(CodedOutputStream out, int field, ByteString value)
      throws IOException {
    if (!value.isEmpty()) {
      out.writeBytes(field, value);
    }
  }

  private static void writeString(CodedOutputStream out, int field, String value)
      throws IOException {
    if (!value.isEmpty()) {
      out.writeString(field, value);
    }
  }
}
