package dev.faultline.ingest.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import dev.faultline.schemas.Ids;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * Writes trace requests in the OTLP JSON encoding, as the collector's {@code otlp_json} and file
 * exporter do: hex ids, integer enums, 64-bit integers as decimal strings, default values left out.
 */
public final class OtlpJsonEncoder {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** The request as one JSON document (no trailing newline). */
  public byte[] encode(ExportTraceServiceRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(request.getSerializedSize() * 2);
    write(request, out);
    return out.toByteArray();
  }

  /** Writes the request as one JSON document to {@code out}, which stays open. */
  public void write(ExportTraceServiceRequest request, OutputStream out) {
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartObject();
      json.writeArrayFieldStart("resourceSpans");
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        resourceSpans(json, resourceSpans);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void resourceSpans(JsonGenerator json, ResourceSpans value) throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("resource");
    attributes(json, value.getResource().getAttributesList());
    if (value.getResource().getDroppedAttributesCount() > 0) {
      json.writeNumberField(
          "droppedAttributesCount", value.getResource().getDroppedAttributesCount());
    }
    json.writeEndObject();
    json.writeArrayFieldStart("scopeSpans");
    for (ScopeSpans scopeSpans : value.getScopeSpansList()) {
      json.writeStartObject();
      scope(json, scopeSpans.getScope());
      json.writeArrayFieldStart("spans");
      for (Span span : scopeSpans.getSpansList()) {
        span(json, span);
      }
      json.writeEndArray();
      stringField(json, "schemaUrl", scopeSpans.getSchemaUrl());
      json.writeEndObject();
    }
    json.writeEndArray();
    stringField(json, "schemaUrl", value.getSchemaUrl());
    json.writeEndObject();
  }

  private static void scope(JsonGenerator json, InstrumentationScope scope) throws IOException {
    json.writeObjectFieldStart("scope");
    stringField(json, "name", scope.getName());
    stringField(json, "version", scope.getVersion());
    attributes(json, scope.getAttributesList());
    json.writeEndObject();
  }

  private static void span(JsonGenerator json, Span span) throws IOException {
    json.writeStartObject();
    idField(json, "traceId", span.getTraceId());
    idField(json, "spanId", span.getSpanId());
    stringField(json, "traceState", span.getTraceState());
    idField(json, "parentSpanId", span.getParentSpanId());
    if (span.getFlags() != 0) {
      json.writeNumberField("flags", span.getFlags());
    }
    json.writeStringField("name", span.getName());
    if (span.getKindValue() != 0) {
      json.writeNumberField("kind", span.getKindValue());
    }
    json.writeStringField("startTimeUnixNano", Long.toUnsignedString(span.getStartTimeUnixNano()));
    json.writeStringField("endTimeUnixNano", Long.toUnsignedString(span.getEndTimeUnixNano()));
    attributes(json, span.getAttributesList());
    if (span.getDroppedAttributesCount() > 0) {
      json.writeNumberField("droppedAttributesCount", span.getDroppedAttributesCount());
    }
    if (span.getEventsCount() > 0) {
      json.writeArrayFieldStart("events");
      for (Span.Event event : span.getEventsList()) {
        json.writeStartObject();
        json.writeStringField("timeUnixNano", Long.toUnsignedString(event.getTimeUnixNano()));
        json.writeStringField("name", event.getName());
        attributes(json, event.getAttributesList());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    if (span.getLinksCount() > 0) {
      json.writeArrayFieldStart("links");
      for (Span.Link link : span.getLinksList()) {
        json.writeStartObject();
        idField(json, "traceId", link.getTraceId());
        idField(json, "spanId", link.getSpanId());
        stringField(json, "traceState", link.getTraceState());
        attributes(json, link.getAttributesList());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeObjectFieldStart("status");
    stringField(json, "message", span.getStatus().getMessage());
    if (span.getStatus().getCodeValue() != 0) {
      json.writeNumberField("code", span.getStatus().getCodeValue());
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void attributes(JsonGenerator json, List<KeyValue> attributes) throws IOException {
    if (attributes.isEmpty()) {
      return;
    }
    json.writeArrayFieldStart("attributes");
    for (KeyValue attribute : attributes) {
      keyValue(json, attribute);
    }
    json.writeEndArray();
  }

  private static void keyValue(JsonGenerator json, KeyValue attribute) throws IOException {
    json.writeStartObject();
    json.writeStringField("key", attribute.getKey());
    json.writeFieldName("value");
    anyValue(json, attribute.getValue());
    json.writeEndObject();
  }

  private static void anyValue(JsonGenerator json, AnyValue value) throws IOException {
    json.writeStartObject();
    switch (value.getValueCase()) {
      case STRING_VALUE -> json.writeStringField("stringValue", value.getStringValue());
      case BOOL_VALUE -> json.writeBooleanField("boolValue", value.getBoolValue());
      case INT_VALUE -> json.writeStringField("intValue", Long.toString(value.getIntValue()));
      case DOUBLE_VALUE -> {
        double d = value.getDoubleValue();
        if (Double.isFinite(d)) {
          json.writeNumberField("doubleValue", d);
        } else {
          json.writeStringField(
              "doubleValue", Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
      }
      case BYTES_VALUE ->
          json.writeStringField(
              "bytesValue",
              Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        json.writeObjectFieldStart("arrayValue");
        json.writeArrayFieldStart("values");
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          anyValue(json, element);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      case KVLIST_VALUE -> {
        json.writeObjectFieldStart("kvlistValue");
        json.writeArrayFieldStart("values");
        for (KeyValue entry : value.getKvlistValue().getValuesList()) {
          keyValue(json, entry);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      default -> {}
    }
    json.writeEndObject();
  }

  private static void idField(JsonGenerator json, String name, ByteString id) throws IOException {
    if (!id.isEmpty()) {
      json.writeStringField(name, Ids.toHex(id));
    }
  }

  private static void stringField(JsonGenerator json, String name, String value)
      throws IOException {
    if (!value.isEmpty()) {
      json.writeStringField(name, value);
    }
  }
}
