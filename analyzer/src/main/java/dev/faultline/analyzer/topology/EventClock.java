package dev.faultline.analyzer.topology;

/**
 * A processor's own event time: the latest timestamp among the records it has processed, and a tick
 * every {@code intervalMs} of it (what a {@code STREAM_TIME} punctuation would be).
 *
 * <p>Why not the task's stream time: Kafka Streams takes that from the task's <em>source</em>
 * records. When trace assembly reads the input topic directly ({@code
 * faultline.input.keyed.by.trace}), those are the records as the collector produced them, stamped
 * when it sent them, seconds after their spans ended (an SDK's batch delay alone is 5 s by
 * default); pairing timeouts and window grace would then be cut short by that delay. The records
 * that reach trace assembly carry their spans' event time, so a clock of their own timestamps runs
 * on event time on either path.
 */
final class EventClock {
  private final long intervalMs;
  private long nowMs = Long.MIN_VALUE;
  private long nextTickMs = Long.MIN_VALUE;

  EventClock(long intervalMs) {
    if (intervalMs <= 0) {
      throw new IllegalArgumentException("interval must be positive: " + intervalMs);
    }
    this.intervalMs = intervalMs;
  }

  /**
   * Moves the clock to {@code timestampMs} if that is later.
   *
   * @return whether a tick is due: the first record, then each time the clock has moved {@code
   *     intervalMs} past the previous tick
   */
  boolean advance(long timestampMs) {
    if (timestampMs > nowMs) {
      nowMs = timestampMs;
    }
    if (nowMs == Long.MIN_VALUE || nowMs < nextTickMs) {
      return false;
    }
    nextTickMs = nowMs + intervalMs;
    return true;
  }

  /** The latest timestamp seen, or {@link Long#MIN_VALUE} before the first record. */
  long nowMs() {
    return nowMs;
  }
}
