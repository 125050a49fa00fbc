package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

/**
 * How much an edge multiplies load: calls arriving at the callee per call the caller received.
 *
 * @param from caller node id
 * @param to callee node id
 * @param factor the multiplication now
 * @param baseline the multiplication in the baseline
 * @param retryShare share of the edge's calls that are retries now
 */
public record Amplification(
    String from, String to, double factor, double baseline, double retryShare) {
  public Amplification {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
  }
}
