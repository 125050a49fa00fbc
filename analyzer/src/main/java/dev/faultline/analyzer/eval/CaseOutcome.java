package dev.faultline.analyzer.eval;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How the analyzer did on one labelled case.
 *
 * @param name the case
 * @param faultType its fault label
 * @param truth the service the fault was injected into
 * @param detected an incident opened at or after the injection
 * @param latencySeconds event time from injection to that incident (NaN if none)
 * @param rootCause the incident's root-cause service (null if none)
 * @param type the incident's type (null if none)
 * @param top1 the root cause is the truth
 * @param top3 the truth is among the first three candidate services
 * @param rootCauseLater the root cause of that incident's latest revision within 60 s of the
 *     injection (null if none)
 * @param top1Later that root cause is the truth
 * @param falseAlarms incidents opened before the injection
 * @param baselineRanking services ranked by the rise of their p90 self time
 */
public record CaseOutcome(
    String name,
    String faultType,
    String truth,
    boolean detected,
    double latencySeconds,
    String rootCause,
    String type,
    boolean top1,
    boolean top3,
    String rootCauseLater,
    boolean top1Later,
    int falseAlarms,
    List<String> baselineRanking) {
  public CaseOutcome {
    requireNonNull(name, "name");
    requireNonNull(faultType, "faultType");
    requireNonNull(truth, "truth");
    baselineRanking = List.copyOf(baselineRanking);
  }

  public boolean baselineTop1() {
    return !baselineRanking.isEmpty() && baselineRanking.get(0).equals(truth);
  }

  public boolean baselineTop3() {
    return baselineRanking.stream().limit(3).anyMatch(truth::equals);
  }
}
