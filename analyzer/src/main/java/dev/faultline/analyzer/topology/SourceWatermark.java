package dev.faultline.analyzer.topology;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The event time that every active upstream source of a spans partition has passed: the minimum,
 * over the sources, of the latest event time each has sent. A source is an ingest task (its input
 * partition); a source that sent nothing for {@code idleMs} of wall-clock time is no longer waited
 * for, as Kafka Streams stops waiting for an empty partition after {@code max.task.idle.ms}. Never
 * goes back.
 *
 * <p>Kafka Streams' own stream time is the maximum over a task's input, which is right when one
 * producer writes a partition in event-time order. The spans topic is written by every ingest task,
 * and while they catch up on a backlog they can be tens of seconds apart: the maximum then runs
 * ahead of most of the input, traces are resolved before their spans from slower sources came, and
 * windows close before their data. The minimum over the sources does not run ahead.
 *
 * <p>Pure: wall-clock times are passed in. Not thread-safe; one per task.
 */
final class SourceWatermark {
  private final long idleMs;

  /** Per source: {latest event time, wall-clock time it was last heard from}. */
  private final Map<Integer, long[]> sources = new HashMap<>();

  private long watermark = Long.MIN_VALUE;

  SourceWatermark(long idleMs) {
    if (idleMs < 0) {
      throw new IllegalArgumentException("idleMs must not be negative");
    }
    this.idleMs = idleMs;
  }

  /** A batch from {@code source} at event time {@code eventTimeMs}, received at {@code wallMs}. */
  void observe(int source, long eventTimeMs, long wallMs) {
    long[] state = sources.get(source);
    if (state == null) {
      sources.put(source, new long[] {eventTimeMs, wallMs});
    } else {
      state[0] = Math.max(state[0], eventTimeMs);
      state[1] = Math.max(state[1], wallMs);
    }
  }

  /**
   * Moves the watermark on as far as the active sources allow at wall-clock time {@code wallMs} and
   * returns it. When no source is active, it follows {@code streamTimeMs} (the task's stream time,
   * which in a replay also moves without spans, to drain the last traces and windows; negative when
   * not known yet). {@link Long#MIN_VALUE} until anything is known.
   */
  long advance(long wallMs, long streamTimeMs) {
    long lowestActive = Long.MAX_VALUE;
    long highest = Long.MIN_VALUE;
    for (long[] state : sources.values()) {
      highest = Math.max(highest, state[0]);
      if (wallMs - state[1] <= idleMs) {
        lowestActive = Math.min(lowestActive, state[0]);
      }
    }
    long candidate =
        lowestActive == Long.MAX_VALUE
            ? Math.max(highest, streamTimeMs < 0 ? Long.MIN_VALUE : streamTimeMs)
            : lowestActive;
    watermark = Math.max(watermark, candidate);
    return watermark;
  }

  long watermark() {
    return watermark;
  }

  /** Sources known (for tests and metrics). */
  int sources() {
    return sources.size();
  }

  /** The sources' event times and the watermark, to restore after a restart or a failover. */
  byte[] toBytes() {
    ByteBuffer out =
        ByteBuffer.allocate(Long.BYTES + sources.size() * (Integer.BYTES + Long.BYTES));
    out.putLong(watermark);
    sources.forEach((source, state) -> out.putInt(source).putLong(state[0]));
    return out.array();
  }

  /**
   * Restores what {@link #toBytes} saved. Every source is taken as heard from at {@code wallMs}, so
   * a task that moved to another instance waits for the sources its previous owner knew.
   */
  void restore(byte[] saved, long wallMs) {
    ByteBuffer in = ByteBuffer.wrap(saved);
    watermark = Math.max(watermark, in.getLong());
    while (in.remaining() >= Integer.BYTES + Long.BYTES) {
      observe(in.getInt(), in.getLong(), wallMs);
    }
  }
}
