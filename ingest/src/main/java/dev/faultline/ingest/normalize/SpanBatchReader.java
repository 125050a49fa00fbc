package dev.faultline.ingest.normalize;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.SpanLink;
import dev.faultline.schemas.proto.StatusCode;
import dev.faultline.schemas.span.SpanRecord;
import dev.faultline.schemas.span.TraceSpans;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a serialized {@link SpanBatch} (the records of {@code faultline.spans} and the trace store)
 * to the spans {@code SpanBatch.parseFrom} gives ({@link TraceSpans}), with less work. A batch
 * carries the same few services, operations and attribute keys span after span; each is decoded
 * once per distinct encoding here (the generated parser decodes every occurrence), attributes go
 * straight into the span's map (it parses each through a map-entry message first), and spans that
 * carry their batch's trace id share one instance of it.
 *
 * <p>Anything this reader does not expect (an unknown field, a known field with another wire type)
 * is left to the generated parser, which reads the whole record again, so the result and the errors
 * are always the generated parser's. Not thread-safe: it caches names.
 */
public final class SpanBatchReader {
  // SpanBatch
  private static final int BATCH_TRACE_ID = 1 << 3 | Wire.LEN;
  private static final int BATCH_SPANS = 2 << 3 | Wire.LEN;
  // Span
  private static final int TRACE_ID = 1 << 3 | Wire.LEN;
  private static final int SPAN_ID = 2 << 3 | Wire.LEN;
  private static final int PARENT_SPAN_ID = 3 << 3 | Wire.LEN;
  private static final int SERVICE = 4 << 3 | Wire.LEN;
  private static final int SERVICE_INSTANCE = 5 << 3 | Wire.LEN;
  private static final int SERVICE_VERSION = 6 << 3 | Wire.LEN;
  private static final int NAME = 7 << 3 | Wire.LEN;
  private static final int KIND = 8 << 3 | Wire.VARINT;
  private static final int START = 9 << 3 | Wire.I64;
  private static final int END = 10 << 3 | Wire.I64;
  private static final int STATUS_CODE = 11 << 3 | Wire.VARINT;
  private static final int STATUS_MESSAGE = 12 << 3 | Wire.LEN;
  private static final int LINKS = 13 << 3 | Wire.LEN;
  private static final int ATTRIBUTES = 14 << 3 | Wire.LEN;
  // An attribute's map entry
  private static final int KEY = 1 << 3 | Wire.LEN;
  private static final int VALUE = 2 << 3 | Wire.LEN;

  /** Thrown inside the reader for a record it leaves to the generated parser. */
  private static final class Unexpected extends Exception {
    Unexpected() {
      super(null, null, false, false);
    }
  }

  private static final Unexpected UNEXPECTED = new Unexpected();

  private final Names names = new Names();

  /**
   * The batch in {@code bytes}.
   *
   * @throws InvalidProtocolBufferException where {@code SpanBatch.parseFrom} throws it
   */
  public TraceSpans read(byte[] bytes) throws InvalidProtocolBufferException {
    try {
      return batch(Wire.over(bytes, 0, bytes.length));
    } catch (Unexpected | IOException | RuntimeException e) {
      // The generated parser decides: it reads what this reader does not, and throws its errors.
      return TraceSpans.of(SpanBatch.parseFrom(bytes));
    }
  }

  private TraceSpans batch(Wire wire) throws IOException, Unexpected {
    List<SpanRecord> spans = new ArrayList<>();
    ByteString traceId = ByteString.EMPTY;
    for (int tag = wire.readTag(); tag != 0; tag = wire.readTag()) {
      switch (tag) {
        case BATCH_TRACE_ID -> traceId = wire.in.readBytes();
        case BATCH_SPANS -> {
          int limit = wire.enter(0);
          spans.add(span(wire, traceId));
          wire.leave(limit);
        }
        default -> throw UNEXPECTED;
      }
    }
    return new TraceSpans(traceId, spans);
  }

  private SpanRecord span(Wire wire, ByteString batchTraceId) throws IOException, Unexpected {
    SpanRecord.Builder span = SpanRecord.newBuilder();
    for (int tag = wire.readTag(); tag != 0; tag = wire.readTag()) {
      switch (tag) {
        case TRACE_ID -> span.setTraceId(traceId(wire, batchTraceId));
        case SPAN_ID -> span.setSpanId(wire.in.readBytes());
        case PARENT_SPAN_ID -> span.setParentSpanId(wire.in.readBytes());
        case SERVICE -> span.setService(names.read(wire));
        case SERVICE_INSTANCE -> span.setServiceInstance(names.read(wire));
        case SERVICE_VERSION -> span.setServiceVersion(names.read(wire));
        case NAME -> span.setName(names.read(wire));
        case KIND -> span.setKind(known(SpanKind.forNumber(wire.in.readEnum())));
        case START -> span.setStartUnixNano(wire.in.readFixed64());
        case END -> span.setEndUnixNano(wire.in.readFixed64());
        case STATUS_CODE -> span.setStatusCode(known(StatusCode.forNumber(wire.in.readEnum())));
        case STATUS_MESSAGE -> span.setStatusMessage(wire.readString());
        case LINKS -> {
          long range = wire.readRange();
          span.addLinks(
              SpanLink.parser().parseFrom(wire.bytes, Wire.offset(range), Wire.length(range)));
        }
        case ATTRIBUTES -> attribute(wire, span);
        default -> throw UNEXPECTED;
      }
    }
    return span.build();
  }

  /** A kind or status this version knows; others go to the generated parser (and read as unset). */
  private static <T> T known(T value) throws Unexpected {
    if (value == null) {
      throw UNEXPECTED;
    }
    return value;
  }

  /** The batch's instance when the span carries the same id, as the spans of a batch all do. */
  private static ByteString traceId(Wire wire, ByteString batchTraceId) throws IOException {
    long range = wire.readRange();
    int offset = Wire.offset(range);
    int length = Wire.length(range);
    if (length == batchTraceId.size() && sameBytes(batchTraceId, wire.bytes, offset)) {
      return batchTraceId;
    }
    return ByteString.copyFrom(wire.bytes, offset, length);
  }

  private static boolean sameBytes(ByteString id, byte[] bytes, int offset) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != bytes[offset + i]) {
        return false;
      }
    }
    return true;
  }

  private void attribute(Wire wire, SpanRecord.Builder span) throws IOException, Unexpected {
    int limit = wire.enter(1);
    String key = "";
    String value = "";
    for (int tag = wire.readTag(); tag != 0; tag = wire.readTag()) {
      switch (tag) {
        case KEY -> key = names.read(wire);
        case VALUE -> value = wire.readString();
        default -> throw UNEXPECTED;
      }
    }
    wire.leave(limit);
    span.putAttributes(key, value);
  }
}
