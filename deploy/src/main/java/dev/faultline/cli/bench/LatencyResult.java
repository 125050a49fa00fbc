package dev.faultline.cli.bench;

import java.util.List;

/**
 * Detection latency over the injected faults: wall-clock seconds from a fault's start (the instant
 * the simulator, paced to the wall clock, reaches the fault's virtual start) to the first incident
 * on the alerts topic whose root cause is the fault's truth.
 *
 * @param faults every injected fault
 * @param detected how many were detected in time with the right root cause
 * @param p50Seconds median over the detected ones (nearest rank)
 * @param p95Seconds 95th percentile (nearest rank: the maximum with fewer than 20 faults)
 * @param maxSeconds the slowest
 * @param targetRate spans per second asked for while faults were watched
 * @param achievedRate spans per second actually sent to the input topic while faults were watched
 */
record LatencyResult(
    List<Fault> faults,
    int detected,
    double p50Seconds,
    double p95Seconds,
    double maxSeconds,
    double targetRate,
    double achievedRate) {

  /**
   * One fault's outcome.
   *
   * @param scenario the scenario it comes from
   * @param truth the root cause it should be found as
   * @param latencySeconds wall clock, fault start to the right incident; NaN when missed
   * @param eventTimeLatencySeconds the incident's event time minus the fault's, as {@code faultline
   *     eval} measures; NaN when missed
   * @param incidentType the type of the incident that named it
   * @param firstIncidentRoot the root cause of the first incident after the fault started, right or
   *     not (null: none)
   * @param lagAtStart records of the input topic not yet committed by the analyzer when the fault
   *     started (0: it was keeping up)
   */
  record Fault(
      String scenario,
      String truth,
      double latencySeconds,
      double eventTimeLatencySeconds,
      String incidentType,
      String firstIncidentRoot,
      long lagAtStart) {}

  static LatencyResult of(List<Fault> faults, double targetRate, double achievedRate) {
    double[] latencies =
        faults.stream()
            .mapToDouble(Fault::latencySeconds)
            .filter(v -> !Double.isNaN(v))
            .sorted()
            .toArray();
    return new LatencyResult(
        faults,
        latencies.length,
        rank(latencies, 0.50),
        rank(latencies, 0.95),
        latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1],
        targetRate,
        achievedRate);
  }

  private static double rank(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
