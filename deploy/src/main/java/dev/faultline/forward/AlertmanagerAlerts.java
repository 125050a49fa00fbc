package dev.faultline.forward;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.schemas.incident.Hop;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Incidents as Alertmanager v2 alerts ({@code POST /api/v2/alerts}: a JSON array of objects with
 * {@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt}, {@code generatorURL}).
 *
 * <p>Labels identify an alert in Alertmanager, so they hold only what routes it: {@code alertname}
 * ({@code Faultline} and the type in camel case, e.g. {@code FaultlineCascadingLatency}), {@code
 * severity} (lower case), {@code service} and {@code operation} of the root cause, {@code
 * incident_id}. An open incident's alert ends at {@code validUntil}, which the forwarder pushes
 * forward by sending it again, as Prometheus does: if the forwarder dies, Alertmanager resolves the
 * alert by itself instead of keeping it firing forever. A resolved incident ends when it resolved.
 */
public final class AlertmanagerAlerts {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertmanagerAlerts() {}

  /** The labels of an incident's alert. */
  public static Map<String, String> labels(Incident incident) {
    requireNonNull(incident, "incident");
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", alertName(incident));
    labels.put("severity", incident.severity().name().toLowerCase(Locale.ROOT));
    labels.put("service", incident.rootCause().service());
    if (incident.rootCause().operation() != null) {
      labels.put("operation", incident.rootCause().operation());
    }
    labels.put("incident_id", incident.id());
    return labels;
  }

  /**
   * The alert of one incident state.
   *
   * @param validUntil when an open incident's alert ends unless it is sent again
   * @param generatorUrlBase the Faultline web page (e.g. {@code http://faultline:8080}), or null
   */
  public static ObjectNode alert(Incident incident, Instant validUntil, String generatorUrlBase) {
    requireNonNull(validUntil, "validUntil");
    ObjectNode alert = MAPPER.createObjectNode();
    ObjectNode labels = alert.putObject("labels");
    labels(incident).forEach(labels::put);
    ObjectNode annotations = alert.putObject("annotations");
    annotations.put("summary", incident.title());
    annotations.put("path", path(incident.path()));
    annotations.put("root_cause", incident.rootCause().node());
    annotations.put("type", incident.type().name());
    annotations.put("status", incident.status().name());
    annotations.put("revision", Integer.toString(incident.revision()));
    if (!incident.blastRadius().entryPoints().isEmpty()) {
      annotations.put("entry_points", String.join(", ", incident.blastRadius().entryPoints()));
    }
    if (!incident.exemplarTraceIds().isEmpty()) {
      annotations.put("exemplar_trace_ids", String.join(", ", incident.exemplarTraceIds()));
    }
    Instant startsAt = instant(incident.startedAt(), instant(incident.eventTime(), validUntil));
    alert.put("startsAt", startsAt.toString());
    Instant endsAt =
        incident.status() == IncidentStatus.RESOLVED
            ? instant(incident.detectedAt(), startsAt)
            : validUntil;
    // Alertmanager refuses an alert that ends before it starts.
    alert.put("endsAt", (endsAt.isBefore(startsAt) ? startsAt : endsAt).toString());
    if (generatorUrlBase != null && !generatorUrlBase.isBlank()) {
      alert.put("generatorURL", stripSlash(generatorUrlBase) + "/#/incident/" + incident.id());
    }
    return alert;
  }

  /**
   * The alerts to send for a new state: its own, and when the labels changed since the previous
   * state (the severity rose, the root cause moved), the previous labels ended now, so that
   * Alertmanager does not keep a stale alert firing beside the new one.
   *
   * @param previous the state sent before for this incident, or null
   */
  public static ArrayNode alerts(
      Incident previous, Incident current, Instant now, Instant validUntil, String generatorUrl) {
    ArrayNode alerts = MAPPER.createArrayNode();
    if (previous != null && !labels(previous).equals(labels(current))) {
      ObjectNode ended = alert(previous, validUntil, generatorUrl);
      Instant startsAt = Instant.parse(ended.get("startsAt").asText());
      ended.put("endsAt", (now.isBefore(startsAt) ? startsAt : now).toString());
      alerts.add(ended);
    }
    alerts.add(alert(current, validUntil, generatorUrl));
    return alerts;
  }

  /** The services of a path, from the root cause to the entry points. */
  static String path(List<Hop> hops) {
    StringBuilder out = new StringBuilder();
    for (Hop hop : hops) {
      if (out.length() > 0) {
        out.append(" -> ");
      }
      out.append(hop.service());
      if (hop.role().equals("at-risk")) {
        out.append(" (at risk)");
      }
    }
    return out.toString();
  }

  private static String alertName(Incident incident) {
    StringBuilder name = new StringBuilder("Faultline");
    for (String word : incident.type().name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  private static Instant instant(String text, Instant fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The JSON text of alerts. */
  static byte[] bytes(ArrayNode alerts) {
    try {
      return MAPPER.writeValueAsBytes(alerts);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("alerts are plain JSON trees", e);
    }
  }
}
