package dev.faultline.ingest.simulate;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A capacity several requests compete for (workers of an instance, connections of a database, cores
 * of a host): a holder keeps it until it releases it, the rest wait in arrival order.
 */
final class Pool {
  private final int capacity;
  private final int waitLimit;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int busy;

  /**
   * @param capacity holders at once
   * @param waitLimit waiters at most; beyond it {@link #acquire} refuses
   */
  Pool(int capacity, int waitLimit) {
    this.capacity = capacity;
    this.waitLimit = waitLimit;
  }

  /** Runs {@code then} once a unit is free; false (and nothing runs) when the wait line is full. */
  boolean acquire(Runnable then) {
    if (busy < capacity) {
      busy++;
      then.run();
      return true;
    }
    if (waiting.size() >= waitLimit) {
      return false;
    }
    waiting.add(then);
    return true;
  }

  /** Gives a unit back; the longest waiter gets it. */
  void release() {
    Runnable next = waiting.poll();
    if (next != null) {
      next.run();
    } else {
      busy--;
    }
  }

  int waiting() {
    return waiting.size();
  }
}
