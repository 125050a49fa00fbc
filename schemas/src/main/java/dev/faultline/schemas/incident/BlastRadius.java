package dev.faultline.schemas.incident;

import java.util.List;

/**
 * Who is hit.
 *
 * @param services degraded services
 * @param entryPoints degraded entry operations ({@code service/operation})
 * @param atRisk services on the propagation paths not degraded yet
 * @param explainedShare share of the entry points' degradation that the path explains (0..1), or
 *     null when not computed
 */
public record BlastRadius(
    List<String> services, List<String> entryPoints, List<String> atRisk, Double explainedShare) {
  public BlastRadius {
    services = List.copyOf(services);
    entryPoints = List.copyOf(entryPoints);
    atRisk = List.copyOf(atRisk);
  }
}
