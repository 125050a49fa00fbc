package dev.faultline.analyzer.eval;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How the analyzer did on one simulated scenario.
 *
 * @param name the scenario
 * @param topology the system it runs on
 * @param faultType its truth's fault type ({@code none} for fault-free scenarios)
 * @param truth the root-cause service (null for fault-free scenarios)
 * @param truthPath the services the failure should travel through
 * @param spans spans the simulation emitted
 * @param detected an incident about the fault opened (fault-free: always false)
 * @param latencySeconds event time from fault start to that incident (NaN if none)
 * @param rootCause that incident's root cause
 * @param type that incident's type
 * @param expectedType the truth's incident type (null if it names none)
 * @param typeRight the incident carried the expected type within 60 s of the fault start
 * @param top1 the root cause is the truth
 * @param top3 the truth is among its first three candidates
 * @param pathRecall share of the truth path's services on the incident's path (NaN if none)
 * @param trueIncidents incidents opened during the fault that name a service of its path
 * @param falseIncidents other incidents opened after warm-up (before the fault, long after it, or
 *     naming services it does not touch; every incident of a fault-free scenario)
 * @param baselineRanking services ranked by the rise of their p90 self time after the fault start
 */
public record ScenarioOutcome(
    String name,
    String topology,
    String faultType,
    String truth,
    List<String> truthPath,
    long spans,
    boolean detected,
    double latencySeconds,
    String rootCause,
    String type,
    String expectedType,
    boolean typeRight,
    boolean top1,
    boolean top3,
    double pathRecall,
    int trueIncidents,
    int falseIncidents,
    List<String> baselineRanking) {
  public ScenarioOutcome {
    requireNonNull(name, "name");
    truthPath = List.copyOf(truthPath);
    baselineRanking = List.copyOf(baselineRanking);
  }

  /** Whether an incident was due. */
  public boolean faulted() {
    return truth != null;
  }

  public boolean baselineTop1() {
    return faulted() && !baselineRanking.isEmpty() && baselineRanking.get(0).equals(truth);
  }

  public boolean baselineTop3() {
    return faulted() && baselineRanking.stream().limit(3).anyMatch(truth::equals);
  }
}
