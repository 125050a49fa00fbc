package dev.faultline.schemas.incident;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
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

  public static Incident read(byte[] json) throws IOException {
    return MAPPER.readValue(json, Incident.class);
  }

  public static Incident read(String json) throws IOException {
    return MAPPER.readValue(json, Incident.class);
  }

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
