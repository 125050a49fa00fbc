package dev.faultline.analyzer.detect;

import dev.faultline.schemas.incident.Severity;

/** How badly the entry points are hit now: the severity every detector reports. */
public final class EntryImpact {
  private EntryImpact() {}

  /**
   * Critical when an entry operation's error rate rose by at least {@code
   * faultline.detect.severity.critical.error.rise} or its p90 reached {@code
   * faultline.detect.severity.critical.latency.ratio} x the baseline; major when an entry operation
   * degraded otherwise; minor else.
   */
  public static Severity severity(Findings findings) {

    Severity worst = Severity.MINOR;
    for (Findings.Operation op : findings.operations().values()) {
      if (op.entryVisits() == 0) {
        continue;
      }
      double errorRise = op.errors().now() - op.errors().before();
      double ratio =
          op.duration().beforeP90() > 0 ? op.duration().nowP90() / op.duration().beforeP90() : 1;
      DetectionSettings.Limits limits = findings.settings().limits();
      if ((findings.risen(op.errors()) && errorRise >= limits.criticalErrorRise())
          || (findings.risen(op.duration()) && ratio >= limits.criticalLatencyRatio())) {
        return Severity.CRITICAL;
      }
      if (findings.degraded(op)) {
        worst = Severity.MAJOR;
      }
    }
    return worst;
  }
}
