package dev.faultline.forward;

import dev.faultline.schemas.incident.BlastRadius;
import dev.faultline.schemas.incident.Hop;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.RootCause;
import dev.faultline.schemas.incident.Severity;
import java.util.List;
import java.util.Map;

/** Incident states for the forwarder's tests: a latency cascade from inventory to the gateway. */
final class Incidents {
  private Incidents() {}

  static Incident incident(String id, IncidentStatus status, Severity severity, int revision) {
    return incident(id, status, severity, revision, "inventory");
  }

  static Incident incident(
      String id, IncidentStatus status, Severity severity, int revision, String rootService) {
    return new Incident(
        id,
        IncidentType.CASCADING_LATENCY,
        status,
        severity,
        "Latency from " + rootService + " reaching web-gateway/POST /checkout",
        "2026-11-27T02:51:48Z",
        status == IncidentStatus.RESOLVED ? "2026-11-27T02:58:00Z" : "2026-11-27T02:51:50Z",
        "2026-11-27T02:51:40Z",
        revision,
        new RootCause(
            "service:" + rootService, rootService, "InventoryService/Reserve", 0.9, List.of()),
        List.of(),
        List.of(
            new Hop("service:" + rootService, rootService, null, "root", null, List.of()),
            new Hop("service:checkout", "checkout", null, "propagating", null, List.of()),
            new Hop("service:web-gateway", "web-gateway", null, "entry", null, List.of())),
        new BlastRadius(
            List.of(rootService, "checkout", "web-gateway"),
            List.of("web-gateway/POST /checkout"),
            List.of(),
            0.8),
        List.of(),
        List.of(),
        List.of("5b8efff798038103d269b633813fc60c"),
        Map.of());
  }
}
