package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

/**
 * A ranked root-cause candidate.
 *
 * @param node node id
 * @param service service (or node name)
 * @param operation operation, or null
 * @param score between 0 and 1
 */
public record Candidate(String node, String service, String operation, double score) {
  public Candidate {
    requireNonNull(node, "node");
    requireNonNull(service, "service");
  }
}
