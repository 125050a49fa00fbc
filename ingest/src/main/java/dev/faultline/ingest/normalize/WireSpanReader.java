package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.span.SpanRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one OTLP {@code Span} message from the wire: the fields a span record needs, the kept
 * attributes (decoded) and the first exception event's type; everything else is only checked. Holds
 * the last span read, so one instance serves a whole request. Not thread-safe.
 */
final class WireSpanReader {
  // opentelemetry.proto.trace.v1.Span
  private static final int TRACE_ID = 1 << 3 | Wire.LEN;
  private static final int SPAN_ID = 2 << 3 | Wire.LEN;
  private static final int TRACE_STATE = 3 << 3 | Wire.LEN;
  private static final int PARENT_SPAN_ID = 4 << 3 | Wire.LEN;
  private static final int NAME = 5 << 3 | Wire.LEN;
  private static final int KIND = 6 << 3 | Wire.VARINT;
  private static final int START_TIME = 7 << 3 | Wire.I64;
  private static final int END_TIME = 8 << 3 | Wire.I64;
  private static final int ATTRIBUTES = 9 << 3 | Wire.LEN;
  private static final int EVENTS = 11 << 3 | Wire.LEN;
  private static final int LINKS = 13 << 3 | Wire.LEN;
  private static final int STATUS = 15 << 3 | Wire.LEN;
  // Span.Event
  private static final int EVENT_NAME = 2 << 3 | Wire.LEN;
  private static final int EVENT_ATTRIBUTES = 3 << 3 | Wire.LEN;
  // Span.Link
  private static final int LINK_TRACE_ID = 1 << 3 | Wire.LEN;
  private static final int LINK_SPAN_ID = 2 << 3 | Wire.LEN;
  private static final int LINK_TRACE_STATE = 3 << 3 | Wire.LEN;
  private static final int LINK_ATTRIBUTES = 4 << 3 | Wire.LEN;
  // Status
  private static final int STATUS_MESSAGE = 2 << 3 | Wire.LEN;
  private static final int STATUS_CODE = 3 << 3 | Wire.VARINT;

  private static final byte[] EXCEPTION_EVENT =
      SpanRecordBuilder.EXCEPTION_EVENT.getBytes(StandardCharsets.UTF_8);

  private final WireKeyValue attribute;

  /** Operation names, decoded once per distinct name. */
  private final Names names = new Names();

  private ByteString lastTraceId = ByteString.EMPTY;
  private ByteString traceId;
  private ByteString spanId;
  private ByteString parentSpanId;
  private String name;
  private int kind;
  private long startNanos;
  private long endNanos;
  private int statusCode;
  private String statusMessage;

  /** Trace id, span id, trace id, ... of the links in order. */
  private final List<ByteString> links = new ArrayList<>();

  /** Key, value, key, ... of the kept attributes in order. */
  private final List<String> attributes = new ArrayList<>();

  private boolean exceptionSeen;
  private String exceptionType;

  WireSpanReader(AttributeKeys keys) {
    this.attribute = new WireKeyValue(requireNonNull(keys, "keys"));
  }

  /**
   * Reads the fields of a span up to the end of the message; they sit {@code depth} deep. A field
   * given twice keeps its last value, and a repeated status merges, as in the generated parser.
   */
  void read(Wire wire, int depth) throws IOException {
    reset();
    int tag;
    while ((tag = wire.readTag()) != 0) {
      switch (tag) {
        case TRACE_ID -> traceId = traceId(wire);
        case SPAN_ID -> spanId = wire.in.readBytes();
        case TRACE_STATE -> wire.readUtf8Range();
        case PARENT_SPAN_ID -> parentSpanId = wire.in.readBytes();
        case NAME -> name = names.read(wire);
        case KIND -> kind = wire.in.readEnum();
        case START_TIME -> startNanos = wire.in.readFixed64();
        case END_TIME -> endNanos = wire.in.readFixed64();
        case ATTRIBUTES -> attribute(wire, depth);
        case EVENTS -> event(wire, depth);
        case LINKS -> link(wire, depth);
        case STATUS -> status(wire, depth);
        default -> wire.skipField(tag, depth); // dropped counts, flags, unknown fields
      }
    }
  }

  /** The first rule the span last read breaks, or {@code null}; see {@link SpanRules#check}. */
  SpanRules.Problem check(SpanRules rules, ResourceIdentity resource, long recordTsMs) {
    return rules.check(
        traceId, spanId, parentSpanId, startNanos, endNanos, resource.service(), name, recordTsMs);
  }

  /**
   * The record of the span last read, or {@code null} when a kept attribute is too long; call only
   * when the span passed {@link SpanRules#check}.
   */
  SpanRecord toRecord(SpanRecordBuilder out) {
    out.ids(traceId, spanId, parentSpanId)
        .operation(name, kind)
        .times(startNanos, endNanos)
        .status(statusCode, statusMessage);
    for (int i = 0; i < links.size(); i += 2) {
      out.link(links.get(i), links.get(i + 1));
    }
    for (int i = 0; i < attributes.size(); i += 2) {
      if (!out.attribute(attributes.get(i), attributes.get(i + 1))) {
        return null;
      }
    }
    if (exceptionType != null && out.lacksExceptionType()) {
      out.exceptionType(exceptionType);
    }
    return out.build();
  }

  /**
   * The trace id, the same instance as the last span's when the bytes are the same: the spans of a
   * trace come together, and one instance is hashed once wherever spans are grouped by trace.
   */
  private ByteString traceId(Wire wire) throws IOException {
    long range = wire.readRange();
    int offset = Wire.offset(range);
    int length = Wire.length(range);
    ByteString last = lastTraceId;
    if (last.size() == length && last.size() > 0 && sameBytes(last, wire.bytes, offset)) {
      return last;
    }
    lastTraceId = ByteString.copyFrom(wire.bytes, offset, length);
    return lastTraceId;
  }

  private static boolean sameBytes(ByteString id, byte[] bytes, int offset) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != bytes[offset + i]) {
        return false;
      }
    }
    return true;
  }

  private void reset() {
    traceId = ByteString.EMPTY;
    spanId = ByteString.EMPTY;
    parentSpanId = ByteString.EMPTY;
    name = "";
    kind = 0;
    startNanos = 0;
    endNanos = 0;
    statusCode = 0;
    statusMessage = "";
    links.clear();
    attributes.clear();
    exceptionSeen = false;
    exceptionType = null;
  }

  private void attribute(Wire wire, int depth) throws IOException {
    attribute.read(wire, depth);
    if (attribute.key().kept()) {
      attributes.add(attribute.key().name());
      attributes.add(attribute.value(wire.bytes));
    }
  }

  /** Only the first event named "exception" counts: its exception.type, else "exception". */
  private void event(Wire wire, int depth) throws IOException {
    int limit = wire.enter(depth);
    long name = Wire.range(0, 0);
    String type = null;
    int tag;
    while ((tag = wire.readTag()) != 0) {
      if (tag == EVENT_NAME) {
        name = wire.readUtf8Range();
      } else if (tag == EVENT_ATTRIBUTES) {
        attribute.read(wire, depth + 1);
        if (!exceptionSeen
            && type == null
            && attribute.key().name().equals(SpanRecordBuilder.EXCEPTION_TYPE)) {
          type = attribute.value(wire.bytes);
        }
      } else {
        wire.skipField(tag, depth + 1); // time, dropped count, unknown fields
      }
    }
    wire.leave(limit);
    if (!exceptionSeen && isExceptionEvent(wire.bytes, name)) {
      exceptionSeen = true;
      exceptionType = type != null ? type : SpanRecordBuilder.EXCEPTION_EVENT;
    }
  }

  private static boolean isExceptionEvent(byte[] bytes, long name) {
    int offset = Wire.offset(name);
    return Arrays.equals(
        EXCEPTION_EVENT, 0, EXCEPTION_EVENT.length, bytes, offset, offset + Wire.length(name));
  }

  private void link(Wire wire, int depth) throws IOException {
    int limit = wire.enter(depth);
    ByteString linkTraceId = ByteString.EMPTY;
    ByteString linkSpanId = ByteString.EMPTY;
    int tag;
    while ((tag = wire.readTag()) != 0) {
      switch (tag) {
        case LINK_TRACE_ID -> linkTraceId = wire.in.readBytes();
        case LINK_SPAN_ID -> linkSpanId = wire.in.readBytes();
        case LINK_TRACE_STATE -> wire.readUtf8Range();
        case LINK_ATTRIBUTES -> WireShape.KEY_VALUE.skipMessage(wire, depth + 1);
        default -> wire.skipField(tag, depth + 1); // dropped count, flags, unknown fields
      }
    }
    wire.leave(limit);
    links.add(linkTraceId);
    links.add(linkSpanId);
  }

  private void status(Wire wire, int depth) throws IOException {
    int limit = wire.enter(depth);
    int tag;
    while ((tag = wire.readTag()) != 0) {
      switch (tag) {
        case STATUS_MESSAGE -> statusMessage = wire.in.readStringRequireUtf8();
        case STATUS_CODE -> statusCode = wire.in.readEnum();
        default -> wire.skipField(tag, depth + 1);
      }
    }
    wire.leave(limit);
  }
}
