package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One step of a propagation path, from the root cause towards the entry points.
 *
 * @param node node id
 * @param service service (or node name)
 * @param operation operation, or null
 * @param role {@code root}, {@code propagating}, {@code entry}, or {@code at-risk} (on the path but
 *     not degraded yet)
 * @param anomalousSince event time (ISO-8601) at which this hop turned anomalous, or null
 * @param evidence before/now figures of this hop
 */
public record Hop(
    String node,
    String service,
    String operation,
    String role,
    String anomalousSince,
    List<Evidence> evidence) {
  public Hop {
    requireNonNull(node, "node");
    requireNonNull(service, "service");
    requireNonNull(role, "role");
    evidence = List.copyOf(evidence);
  }
}
