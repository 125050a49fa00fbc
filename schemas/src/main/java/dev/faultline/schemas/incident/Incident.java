package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A propagating failure: where it started, which way it travels, what it amplifies, who is hit and
 * where it could be contained. One incident per failure, updated in place (same id) until it
 * resolves.
 *
 * @param id stable across updates
 * @param type the kind of failure
 * @param status open, updated, resolved
 * @param severity how bad for the entry points
 * @param title one line for a pager
 * @param eventTime event time (ISO-8601 UTC) of the data at which this state was raised
 * @param detectedAt wall-clock time (ISO-8601 UTC) at which it was raised
 * @param startedAt event time the root cause turned anomalous
 * @param revision 1 for the opening, then one more per update
 * @param rootCause where it started
 * @param candidates ranked root-cause candidates, the root cause first
 * @param path ordered hops from the root cause to the affected entry points
 * @param blastRadius who is hit
 * @param amplification load multiplication per edge (retry storms), possibly empty
 * @param containment where a mechanism would cut the propagation
 * @param exemplarTraceIds traces that show it
 * @param details type-specific figures (e.g. a queue's backlog and time to drain)
 */
public record Incident(
    String id,
    IncidentType type,
    IncidentStatus status,
    Severity severity,
    String title,
    String eventTime,
    String detectedAt,
    String startedAt,
    int revision,
    RootCause rootCause,
    List<Candidate> candidates,
    List<Hop> path,
    BlastRadius blastRadius,
    List<Amplification> amplification,
    List<Containment> containment,
    List<String> exemplarTraceIds,
    Map<String, Object> details) {
  public Incident {
    requireNonNull(id, "id");
    requireNonNull(type, "type");
    requireNonNull(status, "status");
    requireNonNull(severity, "severity");
    requireNonNull(title, "title");
    requireNonNull(eventTime, "eventTime");
    requireNonNull(detectedAt, "detectedAt");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(rootCause, "rootCause");
    requireNonNull(blastRadius, "blastRadius");
    candidates = List.copyOf(candidates);
    path = List.copyOf(path);
    amplification = List.copyOf(amplification);
    containment = List.copyOf(containment);
    exemplarTraceIds = List.copyOf(exemplarTraceIds);
    details = details == null ? Map.of() : Map.copyOf(details);
  }
}
