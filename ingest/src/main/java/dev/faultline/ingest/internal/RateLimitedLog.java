package dev.faultline.ingest.internal;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and says how many were suppressed in between, so that a
 * flood of bad input cannot flood the log.
 */
public final class RateLimitedLog {
  private final Logger logger;
  private final long intervalMs;
  private final Clock clock;
  private final AtomicLong nextAllowedMs = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger logger, long intervalMs, Clock clock) {
    this.logger = requireNonNull(logger, "logger");
    this.clock = requireNonNull(clock, "clock");
    if (intervalMs < 0) {
      throw new IllegalArgumentException("intervalMs must not be negative");
    }
    this.intervalMs = intervalMs;
  }

  public RateLimitedLog(Logger logger) {
    this(logger, 10_000, Clock.systemUTC());
  }

  /** Logs {@code format} with {@code args} at WARN unless one was logged within the interval. */
  public void warn(String format, Object... args) {
    long now = clock.millis();
    long allowed = nextAllowedMs.get();
    if (now < allowed || !nextAllowedMs.compareAndSet(allowed, now + intervalMs)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    if (skipped > 0) {
      logger.warn(format + " ({} similar messages suppressed)", append(args, skipped));
    } else {
      logger.warn(format, args);
    }
  }

  private static Object[] append(Object[] args, Object last) {
    Object[] out = new Object[args.length + 1];
    System.arraycopy(args, 0, out, 0, args.length);
    out[args.length] = last;
    return out;
  }
}
