package dev.faultline.ingest.simulate;

/**
 * A count-based circuit breaker: opens when the failures among the last calls reach a ratio, fails
 * calls fast while open, then lets one trial call through and closes if it succeeds.
 */
final class Breaker {
  private final ServiceSpec.BreakerSpec spec;
  private final boolean[] outcomes;
  private int next;
  private int recorded;
  private int failures;
  private long openUntil = -1;
  private boolean trial;

  Breaker(ServiceSpec.BreakerSpec spec) {
    this.spec = spec;
    this.outcomes = new boolean[spec.window()];
  }

  /** Whether a call may go out at {@code now} (micros). */
  boolean allow(long now) {
    if (openUntil < 0) {
      return true;
    }
    if (now < openUntil || trial) {
      return false;
    }
    trial = true;
    return true;
  }

  void record(boolean ok, long now) {
    if (openUntil >= 0) {
      if (!trial) {
        return;
      }
      trial = false;
      if (ok) {
        openUntil = -1;
        recorded = 0;
        failures = 0;
        next = 0;
      } else {
        openUntil = now + (long) (spec.openMs() * 1_000);
      }
      return;
    }
    if (recorded == outcomes.length) {
      if (!outcomes[next]) {
        failures--;
      }
    } else {
      recorded++;
    }
    outcomes[next] = ok;
    if (!ok) {
      failures++;
    }
    next = (next + 1) % outcomes.length;
    if (recorded == outcomes.length && failures >= spec.failureRatio() * outcomes.length) {
      openUntil = now + (long) (spec.openMs() * 1_000);
    }
  }
}
