package dev.faultline.forward;

import static dev.faultline.forward.Incidents.incident;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.faultline.deploy.IncidentSchema;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.incident.Severity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertmanagerAlertsTest {
  private static final Instant NOW = Instant.parse("2026-11-27T03:00:00Z");
  private static final Instant VALID_UNTIL = NOW.plusSeconds(240);

  @Test
  void anOpenIncidentFiresUntilItsValidityWithRoutingLabels() {
    JsonNode alert =
        AlertmanagerAlerts.alert(
            incident("inc-1", IncidentStatus.OPEN, Severity.CRITICAL, 1),
            VALID_UNTIL,
            "http://faultline:8080/");

    assertThat(alert.get("labels").get("alertname").asText())
        .isEqualTo("FaultlineCascadingLatency");
    assertThat(alert.get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(alert.get("labels").get("service").asText()).isEqualTo("inventory");
    assertThat(alert.get("labels").get("operation").asText()).isEqualTo("InventoryService/Reserve");
    assertThat(alert.get("labels").get("incident_id").asText()).isEqualTo("inc-1");
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("Latency from inventory reaching web-gateway/POST /checkout");
    assertThat(alert.get("annotations").get("path").asText())
        .isEqualTo("inventory -> checkout -> web-gateway");
    assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-27T02:51:40Z");
    assertThat(alert.get("endsAt").asText()).isEqualTo(VALID_UNTIL.toString());
    assertThat(alert.get("generatorURL").asText())
        .isEqualTo("http://faultline:8080/#/incident/inc-1");
  }

  @Test
  void aResolvedIncidentEndsWhenItResolved() {
    JsonNode alert =
        AlertmanagerAlerts.alert(
            incident("inc-1", IncidentStatus.RESOLVED, Severity.CRITICAL, 3), VALID_UNTIL, null);

    assertThat(alert.get("endsAt").asText()).isEqualTo("2026-11-27T02:58:00Z");
    assertThat(alert.has("generatorURL")).isFalse();
  }

  @Test
  void aSeverityChangeEndsTheAlertOfThePreviousLabels() {
    ArrayNode alerts =
        AlertmanagerAlerts.alerts(
            incident("inc-1", IncidentStatus.OPEN, Severity.MAJOR, 1),
            incident("inc-1", IncidentStatus.UPDATED, Severity.CRITICAL, 2),
            NOW,
            VALID_UNTIL,
            null);

    assertThat(alerts).hasSize(2);
    assertThat(alerts.get(0).get("labels").get("severity").asText()).isEqualTo("major");
    assertThat(alerts.get(0).get("endsAt").asText()).isEqualTo(NOW.toString());
    assertThat(alerts.get(1).get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(alerts.get(1).get("endsAt").asText()).isEqualTo(VALID_UNTIL.toString());
  }

  @Test
  void anUpdateWithTheSameLabelsIsOneAlert() {
    ArrayNode alerts =
        AlertmanagerAlerts.alerts(
            incident("inc-1", IncidentStatus.OPEN, Severity.MAJOR, 1),
            incident("inc-1", IncidentStatus.UPDATED, Severity.MAJOR, 2),
            NOW,
            VALID_UNTIL,
            null);

    assertThat(alerts).hasSize(1);
  }

  @Test
  void aBareAlertmanagerAddressGetsTheAlertsPath() {
    assertThat(ForwarderSettings.endpoint(TargetKind.ALERTMANAGER, "http://am:9093").toString())
        .isEqualTo("http://am:9093/api/v2/alerts");
    assertThat(ForwarderSettings.endpoint(TargetKind.ALERTMANAGER, "http://am:9093/").toString())
        .isEqualTo("http://am:9093/api/v2/alerts");
    assertThat(ForwarderSettings.endpoint(TargetKind.WEBHOOK, "http://hook:80").toString())
        .isEqualTo("http://hook:80");
  }

  @Test
  void theTestsIncidentsAreValidIncidents() {
    for (IncidentStatus status : IncidentStatus.values()) {
      String json = IncidentJson.writeString(incident("inc-1", status, Severity.MAJOR, 1));
      assertThat(IncidentSchema.violations(json)).as(json).isEmpty();
    }
  }

  @Test
  void anUnknownTargetIsRefusedByName() {
    assertThatThrownBy(() -> TargetKind.parse("pagerduty"))
        .hasMessageContaining("'webhook' or 'alertmanager'");
  }
}
