package dev.faultline.schemas.incident;

/** What kind of propagating failure an incident describes. */
public enum IncidentType {
  /** Latency that starts at one node and travels up to its callers. */
  CASCADING_LATENCY,
  /** Errors that start at one node and travel up to its callers. */
  ERROR_CASCADE,
  /** Retries multiplying the load on a path; metastable when they outlive their trigger. */
  RETRY_STORM,
  /** A queue whose backlog grows: consumers slower than producers, or stopped. */
  QUEUE_GROWTH,
  /** Several callers degrading together because a node they share degraded. */
  SHARED_DEPENDENCY,
  /** The shape of the graph changed: edges appeared or vanished, or an instance drifted. */
  TOPOLOGY_DRIFT
}
