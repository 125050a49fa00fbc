package dev.faultline.analyzer.detect;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Amplification;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import java.util.List;
import java.util.Map;

/**
 * What a detector concluded from one evaluation: the kind of failure, where it started, the ranked
 * alternatives and the propagation. The tracker turns a diagnosis that lasts into an incident.
 *
 * @param type the kind of failure
 * @param root the root-cause node
 * @param rootOperation the root cause's operation, or null for the node as a whole
 * @param impactMs the extra time per entry request the root cause adds (errors counted as 1 s)
 * @param evidence the figures that moved at the root cause
 * @param candidates ranked candidates with their impact, the root cause first
 * @param path the nodes from the root cause up to the entry points, with their evidence
 * @param atRisk callers on the way to the entry points that are not degraded yet
 * @param entryPoints degraded entry operations
 * @param explainedShare share of the entry points' extra latency the root cause explains, or null
 * @param severity how bad for the entry points
 * @param amplification per-edge load multiplication (retry storms)
 * @param details type-specific figures
 * @param exemplars trace ids (hex) that show the failure
 */
public record Diagnosis(
    IncidentType type,
    NodeKey root,
    String rootOperation,
    double impactMs,
    List<Evidence> evidence,
    List<Scored> candidates,
    List<PathNode> path,
    List<NodeKey> atRisk,
    List<String> entryPoints,
    Double explainedShare,
    Severity severity,
    List<Amplification> amplification,
    Map<String, Object> details,
    List<String> exemplars) {
  public Diagnosis {
    requireNonNull(type, "type");
    requireNonNull(root, "root");
    requireNonNull(severity, "severity");
    evidence = List.copyOf(evidence);
    candidates = List.copyOf(candidates);
    path = List.copyOf(path);
    atRisk = List.copyOf(atRisk);
    entryPoints = List.copyOf(entryPoints);
    amplification = List.copyOf(amplification);
    details = details == null ? Map.of() : Map.copyOf(details);
    exemplars = List.copyOf(exemplars);
  }

  /** This diagnosis with another severity. */
  public Diagnosis withSeverity(Severity other) {
    return new Diagnosis(
        type,
        root,
        rootOperation,
        impactMs,
        evidence,
        candidates,
        path,
        atRisk,
        entryPoints,
        explainedShare,
        other,
        amplification,
        details,
        exemplars);
  }

  /**
   * A ranked candidate.
   *
   * @param node the node
   * @param operation its operation, or null
   * @param impactMs its own contribution, per entry request
   */
  public record Scored(NodeKey node, String operation, double impactMs) {}

  /**
   * A node on the propagation path.
   *
   * @param node the node
   * @param operation the operation on the path, or null
   * @param role root, propagating or entry
   * @param evidence its before/now figures
   */
  public record PathNode(NodeKey node, String operation, String role, List<Evidence> evidence) {
    public PathNode {
      evidence = List.copyOf(evidence);
    }
  }
}
