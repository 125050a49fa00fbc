package dev.faultline.ingest.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets per client (by address): each client may make {@code perSecond} requests a second
 * on average and {@code burst} at once. The table of clients is bounded: past {@code maxClients}
 * the least recently seen one is forgotten (it starts again with a full bucket), so a flood of
 * addresses cannot grow memory. Thread-safe.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final int maxClients;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

  /**
   * @param perSecond sustained requests a second per client; 0 or less turns the limit off
   * @param burst requests a client may make at once (at least 1)
   * @param maxClients clients remembered at once
   * @param nanoTime the clock ({@link System#nanoTime} in production)
   */
  public RateLimiter(double perSecond, double burst, int maxClients, LongSupplier nanoTime) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be positive");
    }
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.maxClients = maxClients;
    this.nanoTime = nanoTime;
  }

  /** A limiter of {@code perSecond} with a burst of twice that (at least 10), on the real clock. */
  public static RateLimiter perClient(double perSecond) {
    return new RateLimiter(perSecond, Math.max(10, 2 * perSecond), 10_000, System::nanoTime);
  }

  public boolean enabled() {
    return perSecond > 0;
  }

  /**
   * Takes one request of {@code client} out of its bucket.
   *
   * @return 0 when the request may go ahead, else the whole seconds to wait before the next one
   */
  public synchronized long acquire(String client) {
    if (!enabled()) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.get(client);
    if (bucket == null) {
      bucket = new Bucket(burst, now);
      buckets.put(client, bucket);
      if (buckets.size() > maxClients) {
        Iterator<Map.Entry<String, Bucket>> eldest = buckets.entrySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.lastNanos) / 1e9 * perSecond);
    bucket.lastNanos = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
  }

  /** Clients remembered now (for tests). */
  synchronized int clients() {
    return buckets.size();
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }
}
