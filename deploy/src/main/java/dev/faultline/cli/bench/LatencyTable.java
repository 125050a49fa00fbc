package dev.faultline.cli.bench;

import java.io.PrintWriter;

/** Prints the detection-latency stage's figures under the throughput table. */
final class LatencyTable {
  private LatencyTable() {}

  static void print(LatencyResult result, PrintWriter out) {
    out.println();
    out.printf(
        "detection latency, wall clock (fault start -> incident naming its root cause on the"
            + " alerts topic), at %,.0f spans/s asked, %,.0f sent:%n",
        result.targetRate(), result.achievedRate());
    out.printf(
        "%-32s %-14s %10s %12s %-22s %-22s %9s%n",
        "scenario", "truth", "wall s", "event-time s", "incident", "first incident root", "lag");
    for (LatencyResult.Fault fault : result.faults()) {
      out.printf(
          "%-32s %-14s %10s %12s %-22s %-22s %,9d%n",
          fault.scenario(),
          fault.truth(),
          seconds(fault.latencySeconds()),
          seconds(fault.eventTimeLatencySeconds()),
          fault.incidentType() == null ? "missed" : fault.incidentType(),
          fault.firstIncidentRoot() == null ? "-" : fault.firstIncidentRoot(),
          fault.lagAtStart());
    }
    out.printf(
        "detected %d/%d; p50 %s s, p95 %s s, max %s s (nearest rank over the detected)%n",
        result.detected(),
        result.faults().size(),
        seconds(result.p50Seconds()),
        seconds(result.p95Seconds()),
        seconds(result.maxSeconds()));
  }

  private static String seconds(double value) {
    return Double.isNaN(value) ? "-" : String.format("%.1f", value);
  }
}
