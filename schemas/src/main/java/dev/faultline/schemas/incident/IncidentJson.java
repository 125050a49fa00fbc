package dev.faultline.schemas.incident;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Incidents as JSON, and the serde of {@code faultline.alerts} values. */
public final class IncidentJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.ALWAYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private IncidentJson() {}

  public static byte[] write(Incident incident) {
    try {
      return MAPPER.writeValueAsBytes(incident);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String writeString(Incident incident) {
    try {
      return MAPPER.writeValueAsString(incident);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads an incident, plain or wrapped in a CloudEvents structured-mode envelope. */
  public static Incident read(byte[] json) throws IOException {
    return fromTree(MAPPER.readTree(json));
  }

  /** Reads an incident, plain or wrapped in a CloudEvents structured-mode envelope. */
  public static Incident read(String json) throws IOException {
    return fromTree(MAPPER.readTree(json));
  }

  private static Incident fromTree(JsonNode tree) throws IOException {
    if (tree == null || !tree.isObject()) {
      throw new IOException("an incident is a JSON object");
    }
    JsonNode body = tree.has("specversion") && tree.has("data") ? tree.get("data") : tree;
    return MAPPER.treeToValue(body, Incident.class);
  }

  /** The CloudEvents {@code type} of an incident state. */
  public static String cloudEventType(Incident incident) {
    return "dev.faultline.incident." + incident.status().name().toLowerCase(Locale.ROOT);
  }

  /**
   * An incident state as a CloudEvent 1.0 in structured mode: {@code id} is the incident id and its
   * revision (unique per state), {@code subject} the incident id, {@code time} when it was
   * detected.
   *
   * @param source the event source, e.g. {@code faultline/<application id>}
   */
  public static byte[] writeCloudEvent(Incident incident, String source) {
    ObjectNode event = MAPPER.createObjectNode();
    event.put("specversion", "1.0");
    event.put("id", incident.id() + "/" + incident.revision());
    event.put("source", source);
    event.put("type", cloudEventType(incident));
    event.put("subject", incident.id());
    event.put("time", incident.detectedAt());
    event.put("datacontenttype", "application/json");
    event.put("dataschema", "https://faultline.dev/schemas/incident.schema.json");
    event.set("data", MAPPER.valueToTree(incident));
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Serde of {@code faultline.alerts} in CloudEvents structured mode (Kafka protocol binding): the
   * envelope as the value, {@code content-type: application/cloudevents+json} as a header.
   */
  public static Serde<Incident> cloudEventsSerde(String source) {
    Serializer<Incident> serializer =
        new Serializer<>() {
          @Override
          public byte[] serialize(String topic, Incident value) {
            return value == null ? null : writeCloudEvent(value, source);
          }

          @Override
          public byte[] serialize(String topic, Headers headers, Incident value) {
            if (value == null) {
              return null;
            }
            headers.remove("content-type");
            headers.add("content-type", CLOUDEVENTS_CONTENT_TYPE);
            return writeCloudEvent(value, source);
          }
        };
    return Serdes.serdeFrom(serializer, serde().deserializer());
  }

  private static final byte[] CLOUDEVENTS_CONTENT_TYPE =
      "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8);

  /** Serde of {@code faultline.alerts}: UTF-8 JSON, unknown fields ignored (newer writers). */
  public static Serde<Incident> serde() {
    Serializer<Incident> serializer = (topic, value) -> value == null ? null : write(value);
    Deserializer<Incident> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return read(bytes);
          } catch (IOException e) {
            throw new SerializationException("not an incident on " + topic, e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
