package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

/**
 * An edge where a mechanism would cut the propagation.
 *
 * @param from caller node id
 * @param to callee node id
 * @param mechanism {@code circuit-breaker}, {@code retry-budget}, {@code bulkhead}, {@code
 *     rate-limit}, {@code timeout}
 * @param reason why this edge, in a sentence
 */
public record Containment(String from, String to, String mechanism, String reason) {
  public Containment {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(mechanism, "mechanism");
    requireNonNull(reason, "reason");
  }
}
