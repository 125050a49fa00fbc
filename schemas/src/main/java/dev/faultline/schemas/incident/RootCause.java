package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where the failure started.
 *
 * @param node the node id, e.g. {@code service:cart}, {@code database:carts}, {@code
 *     queue:kafka/orders}
 * @param service the service (for non-service nodes: the node's name)
 * @param operation the operation, or null when the node as a whole is the cause
 * @param score confidence between 0 and 1
 * @param evidence the figures that moved
 */
public record RootCause(
    String node, String service, String operation, double score, List<Evidence> evidence) {
  public RootCause {
    requireNonNull(node, "node");
    requireNonNull(service, "service");
    evidence = List.copyOf(evidence);
  }
}
