package dev.faultline.ingest.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes the OTLP JSON encoding of trace export requests, as the collector's {@code otlp_json} and
 * file exporter write it.
 *
 * <p>OTLP JSON is protobuf JSON with three differences that a generic protobuf JSON parser gets
 * wrong: trace and span ids are hex (not base64), enums are integers, and 64-bit integers may be
 * strings or numbers. The decoder is lenient where senders differ: field names in lowerCamelCase or
 * snake_case, enum names as well as numbers, base64 ids from old exporters, the pre-1.0 {@code
 * instrumentationLibrarySpans}, unknown fields and {@code null} values ignored.
 */
public final class OtlpJsonDecoder {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(64 * 1024 * 1024)
                  .maxNumberLength(64)
                  .build())
          .build();

  /** Memo of canonical field names; field names of OTLP are few, hostile input is capped. */
  private static final Map<String, String> CANONICAL = new ConcurrentHashMap<>();

  private static final int CANONICAL_CAP = 4_096;

  /** Decodes one request document. */
  public ExportTraceServiceRequest decode(byte[] bytes) throws OtlpDecodeException {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new OtlpDecodeException("OTLP JSON must be an object with resourceSpans");
      }
      ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = canonical(p.currentName());
        p.nextToken();
        if (field.equals("resourcespans")) {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            request.addResourceSpans(resourceSpans(p));
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new OtlpDecodeException("trailing content after the OTLP JSON object");
      }
      return request.build();
    } catch (OtlpDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new OtlpDecodeException("not valid OTLP JSON: " + firstLine(e.getMessage()), e);
    }
  }

  private static ResourceSpans resourceSpans(JsonParser p) throws IOException, OtlpDecodeException {
    ResourceSpans.Builder out = ResourceSpans.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "resource" -> out.setResource(resource(p));
        case "scopespans", "instrumentationlibraryspans" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addScopeSpans(scopeSpans(p));
          }
        }
        case "schemaurl" -> out.setSchemaUrl(string(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static Resource resource(JsonParser p) throws IOException, OtlpDecodeException {
    Resource.Builder out = Resource.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "attributes" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addAttributes(keyValue(p));
          }
        }
        case "droppedattributescount" -> out.setDroppedAttributesCount((int) signed(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static ScopeSpans scopeSpans(JsonParser p) throws IOException, OtlpDecodeException {
    ScopeSpans.Builder out = ScopeSpans.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "scope", "instrumentationlibrary" -> out.setScope(scope(p));
        case "spans" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addSpans(span(p));
          }
        }
        case "schemaurl" -> out.setSchemaUrl(string(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static InstrumentationScope scope(JsonParser p) throws IOException, OtlpDecodeException {
    InstrumentationScope.Builder out = InstrumentationScope.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "name" -> out.setName(string(p));
        case "version" -> out.setVersion(string(p));
        case "attributes" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addAttributes(keyValue(p));
          }
        }
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static Span span(JsonParser p) throws IOException, OtlpDecodeException {
    Span.Builder out = Span.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "traceid" -> out.setTraceId(id(p));
        case "spanid" -> out.setSpanId(id(p));
        case "parentspanid" -> out.setParentSpanId(id(p));
        case "tracestate" -> out.setTraceState(string(p));
        case "flags" -> out.setFlags((int) unsigned(p));
        case "name" -> out.setName(string(p));
        case "kind" -> out.setKindValue(kind(p));
        case "starttimeunixnano" -> out.setStartTimeUnixNano(unsigned(p));
        case "endtimeunixnano" -> out.setEndTimeUnixNano(unsigned(p));
        case "attributes" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addAttributes(keyValue(p));
          }
        }
        case "droppedattributescount" -> out.setDroppedAttributesCount((int) signed(p));
        case "events" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addEvents(event(p));
          }
        }
        case "droppedeventscount" -> out.setDroppedEventsCount((int) signed(p));
        case "links" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addLinks(link(p));
          }
        }
        case "droppedlinkscount" -> out.setDroppedLinksCount((int) signed(p));
        case "status" -> out.setStatus(status(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static Span.Event event(JsonParser p) throws IOException, OtlpDecodeException {
    Span.Event.Builder out = Span.Event.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "timeunixnano" -> out.setTimeUnixNano(unsigned(p));
        case "name" -> out.setName(string(p));
        case "attributes" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addAttributes(keyValue(p));
          }
        }
        case "droppedattributescount" -> out.setDroppedAttributesCount((int) signed(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static Span.Link link(JsonParser p) throws IOException, OtlpDecodeException {
    Span.Link.Builder out = Span.Link.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "traceid" -> out.setTraceId(id(p));
        case "spanid" -> out.setSpanId(id(p));
        case "tracestate" -> out.setTraceState(string(p));
        case "flags" -> out.setFlags((int) unsigned(p));
        case "attributes" -> {
          for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            out.addAttributes(keyValue(p));
          }
        }
        case "droppedattributescount" -> out.setDroppedAttributesCount((int) signed(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static Status status(JsonParser p) throws IOException, OtlpDecodeException {
    Status.Builder out = Status.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "code" -> out.setCodeValue(statusCode(p));
        case "message" -> out.setMessage(string(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static KeyValue keyValue(JsonParser p) throws IOException, OtlpDecodeException {
    KeyValue.Builder out = KeyValue.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      switch (field) {
        case "key" -> out.setKey(string(p));
        case "value" -> out.setValue(anyValue(p));
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  private static AnyValue anyValue(JsonParser p) throws IOException, OtlpDecodeException {
    AnyValue.Builder out = AnyValue.newBuilder();
    if (!startObject(p)) {
      return out.build();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = canonical(p.currentName());
      p.nextToken();
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "stringvalue" -> out.setStringValue(string(p));
        case "boolvalue" -> out.setBoolValue(bool(p));
        case "intvalue" -> out.setIntValue(signed(p));
        case "doublevalue" -> out.setDoubleValue(doubleValue(p));
        case "bytesvalue" -> out.setBytesValue(ByteString.copyFrom(base64(string(p))));
        case "arrayvalue" -> {
          ArrayValue.Builder array = ArrayValue.newBuilder();
          if (startObject(p)) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String inner = canonical(p.currentName());
              p.nextToken();
              if (inner.equals("values")) {
                for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                  array.addValues(anyValue(p));
                }
              } else {
                p.skipChildren();
              }
            }
          }
          out.setArrayValue(array);
        }
        case "kvlistvalue" -> {
          KeyValueList.Builder list = KeyValueList.newBuilder();
          if (startObject(p)) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String inner = canonical(p.currentName());
              p.nextToken();
              if (inner.equals("values")) {
                for (JsonToken t = startArray(p); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                  list.addValues(keyValue(p));
                }
              } else {
                p.skipChildren();
              }
            }
          }
          out.setKvlistValue(list);
        }
        default -> p.skipChildren();
      }
    }
    return out.build();
  }

  /** Enters an object; {@code false} (and nothing consumed) for a JSON null. */
  private static boolean startObject(JsonParser p) throws OtlpDecodeException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new OtlpDecodeException(
          "expected an object at " + where(p) + " but found " + describe(t));
    }
    return true;
  }

  /** Enters an array and returns the first element's token; END_ARRAY right away for null. */
  private static JsonToken startArray(JsonParser p) throws IOException, OtlpDecodeException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return JsonToken.END_ARRAY;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new OtlpDecodeException(
          "expected an array at " + where(p) + " but found " + describe(t));
    }
    return p.nextToken();
  }

  private static String string(JsonParser p) throws IOException, OtlpDecodeException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return "";
    }
    throw new OtlpDecodeException("expected a string at " + where(p) + " but found " + describe(t));
  }

  private static boolean bool(JsonParser p) throws IOException, OtlpDecodeException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    if (t == JsonToken.VALUE_STRING) {
      return Boolean.parseBoolean(p.getText());
    }
    throw new OtlpDecodeException(
        "expected a boolean at " + where(p) + " but found " + describe(t));
  }

  private static long signed(JsonParser p) throws IOException, OtlpDecodeException {
    JsonToken t = p.currentToken();
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        return Long.parseLong(p.getText().trim());
      }
    } catch (NumberFormatException | IOException e) {
      throw new OtlpDecodeException("not a 64-bit integer at " + where(p), e);
    }
    throw new OtlpDecodeException(
        "expected an integer at " + where(p) + " but found " + describe(t));
  }

  /** An unsigned 64-bit integer (fixed64 timestamps), from a number or a decimal string. */
  private static long unsigned(JsonParser p) throws IOException, OtlpDecodeException {
    JsonToken t = p.currentToken();
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        BigInteger value = p.getBigIntegerValue();
        if (value.signum() < 0 || value.bitLength() > 64) {
          throw new OtlpDecodeException("unsigned 64-bit integer out of range at " + where(p));
        }
        return value.longValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        return Long.parseUnsignedLong(p.getText().trim());
      }
    } catch (NumberFormatException e) {
      throw new OtlpDecodeException("not an unsigned 64-bit integer at " + where(p), e);
    }
    throw new OtlpDecodeException(
        "expected an integer at " + where(p) + " but found " + describe(t));
  }

  private static double doubleValue(JsonParser p) throws IOException, OtlpDecodeException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      // protobuf JSON writes non-finite doubles as strings.
      String text = p.getText().trim();
      return switch (text) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(text);
          } catch (NumberFormatException e) {
            throw new OtlpDecodeException("not a number at " + where(p), e);
          }
        }
      };
    }
    throw new OtlpDecodeException("expected a number at " + where(p) + " but found " + describe(t));
  }

  private static int kind(JsonParser p) throws IOException, OtlpDecodeException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      String name = p.getText().trim().toUpperCase(Locale.ROOT);
      if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
        return (int) signed(p);
      }
      String full = name.startsWith("SPAN_KIND_") ? name : "SPAN_KIND_" + name;
      try {
        return Span.SpanKind.valueOf(full).getNumber();
      } catch (IllegalArgumentException e) {
        throw new OtlpDecodeException("unknown span kind '" + name + "' at " + where(p), e);
      }
    }
    return (int) signed(p);
  }

  private static int statusCode(JsonParser p) throws IOException, OtlpDecodeException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      String name = p.getText().trim().toUpperCase(Locale.ROOT);
      if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
        return (int) signed(p);
      }
      String full = name.startsWith("STATUS_CODE_") ? name : "STATUS_CODE_" + name;
      try {
        return Status.StatusCode.valueOf(full).getNumber();
      } catch (IllegalArgumentException e) {
        throw new OtlpDecodeException("unknown status code '" + name + "' at " + where(p), e);
      }
    }
    return (int) signed(p);
  }

  /** A trace or span id: hex per the OTLP spec, base64 as old exporters wrote it. */
  private static ByteString id(JsonParser p) throws IOException, OtlpDecodeException {
    String text = string(p);
    if (text.isEmpty()) {
      return ByteString.EMPTY;
    }
    if (isHex(text) && (text.length() & 1) == 0) {
      byte[] out = new byte[text.length() / 2];
      for (int i = 0; i < out.length; i++) {
        out[i] =
            (byte)
                ((Character.digit(text.charAt(2 * i), 16) << 4)
                    | Character.digit(text.charAt(2 * i + 1), 16));
      }
      return ByteString.copyFrom(out);
    }
    try {
      return ByteString.copyFrom(base64(text));
    } catch (OtlpDecodeException e) {
      throw new OtlpDecodeException("id is neither hex nor base64 at " + where(p), e);
    }
  }

  private static byte[] base64(String text) throws OtlpDecodeException {
    try {
      return Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(text.trim());
      } catch (IllegalArgumentException again) {
        throw new OtlpDecodeException("not base64", again);
      }
    }
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Lower case without underscores: both JSON naming styles map to one name. */
  static String canonical(String name) {
    String known = CANONICAL.get(name);
    if (known != null) {
      return known;
    }
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '_') {
        out.append(Character.toLowerCase(c));
      }
    }
    String canonical = out.toString();
    if (CANONICAL.size() < CANONICAL_CAP) {
      CANONICAL.put(name, canonical);
    }
    return canonical;
  }

  private static String where(JsonParser p) {
    var location = p.currentLocation();
    return "offset " + location.getByteOffset();
  }

  private static String describe(JsonToken t) {
    return t == null ? "end of input" : t.asString() == null ? t.name() : t.asString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed input";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
