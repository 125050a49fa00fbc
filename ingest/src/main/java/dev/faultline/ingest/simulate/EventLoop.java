package dev.faultline.ingest.simulate;

import java.util.PriorityQueue;

/**
 * The discrete-event clock: actions run in virtual-time order (ties in the order they were
 * scheduled, so a run is deterministic). Virtual time is in microseconds since the run began.
 */
final class EventLoop {
  private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long now;
  private long sequence;

  /** Virtual time now, microseconds since the start. */
  long now() {
    return now;
  }

  /** Runs {@code action} {@code delayMicros} from now. */
  void after(long delayMicros, Runnable action) {
    events.add(new Event(now + Math.max(0, delayMicros), sequence++, action));
  }

  /** Runs {@code action} at virtual time {@code time} (now, if that has passed). */
  void at(long time, Runnable action) {
    events.add(new Event(Math.max(now, time), sequence++, action));
  }

  /** Time of the next event, or {@link Long#MAX_VALUE} when there is none. */
  long nextTime() {
    Event next = events.peek();
    return next == null ? Long.MAX_VALUE : next.time();
  }

  /** Runs the next event; false when there was none. */
  boolean step() {
    Event next = events.poll();
    if (next == null) {
      return false;
    }
    now = next.time();
    next.action().run();
    return true;
  }
}
