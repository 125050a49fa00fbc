package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.schemas.proto.SketchData;

/**
 * The statistical tests of the detectors, on a baseline and a current sample. Each answers with
 * both significance (a z-score, so small samples cannot trigger) and size (so a significant but
 * tiny change does not either).
 */
public final class Stats {
  private Stats() {}

  /**
   * A shift of a latency-like distribution.
   *
   * @param samples values in the current sample
   * @param zUp significance of a rise: how far the share of current values above the baseline's p90
   *     exceeds the 10 % expected, in standard errors
   * @param zDown significance of a fall: the same below the baseline's p10
   * @param beforeP50 baseline median (µs)
   * @param beforeP90 baseline p90 (µs)
   * @param nowP50 current median (µs)
   * @param nowP90 current p90 (µs)
   * @param beforeMean baseline mean (µs)
   * @param nowMean current mean (µs)
   */
  public record Shift(
      long samples,
      double zUp,
      double zDown,
      double beforeP50,
      double beforeP90,
      double nowP50,
      double nowP90,
      double beforeMean,
      double nowMean) {

    /** No data on one side. */
    public static final Shift NONE = new Shift(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The mean moved by this much (µs); negative for a fall. */
    public double meanDelta() {
      return nowMean - beforeMean;
    }

    /** A rise that is significant and large enough. */
    public boolean isRise(double z, double ratio, double minUs, long minSamples) {
      return samples >= minSamples
          && zUp >= z
          && nowP90 >= beforeP90 * ratio
          && nowP90 - beforeP90 >= minUs;
    }

    /** A fall that is significant and large enough. */
    public boolean isFall(double z, double ratio, double minUs, long minSamples) {
      return samples >= minSamples
          && zDown >= z
          && nowP50 * ratio <= beforeP50
          && beforeP50 - nowP50 >= minUs;
    }
  }

  /** Compares two serialized sketches. */
  public static Shift shift(SketchData baseline, SketchData current) {
    if (baseline.getCount() == 0 || current.getCount() == 0) {
      return Shift.NONE;
    }
    return shift(LatencySketch.of(baseline), LatencySketch.of(current));
  }

  public static Shift shift(LatencySketch baseline, LatencySketch current) {
    if (baseline.count() == 0 || current.count() == 0) {
      return Shift.NONE;
    }
    long n = current.count();
    double p90 = baseline.quantile(0.9);
    double p10 = baseline.quantile(0.1);
    double expected = 0.1 * n;
    double sd = Math.sqrt(n * 0.1 * 0.9);
    double zUp = (current.countAbove(p90) - expected) / sd;
    double zDown = (current.countBelow(p10) - expected) / sd;
    return new Shift(
        n,
        zUp,
        zDown,
        baseline.quantile(0.5),
        p90,
        current.quantile(0.5),
        current.quantile(0.9),
        baseline.mean(),
        current.mean());
  }

  /**
   * A rise of a proportion (errors per call): z-score of the current count against the baseline
   * proportion (smoothed, so a clean baseline is not a zero).
   *
   * @param before the baseline proportion
   * @param now the current proportion
   * @param z significance
   * @param samples current denominator
   */
  public record Proportion(double before, double now, double z, long samples) {
    public static final Proportion NONE = new Proportion(0, 0, 0, 0);

    public boolean isRise(double minZ, double minDelta, long minSamples) {
      return samples >= minSamples && z >= minZ && now - before >= minDelta;
    }
  }

  /**
   * A proportion's change, with a z-score against the baseline rate. A rise is judged on the
   * count's exact (binomial) distribution: at a low baseline rate and few calls the normal
   * approximation overstates it badly (5 failures in 18 calls at a 2 % baseline look like z = 7.8,
   * while the exact chance of that many is 2e-5, z = 4.1), and across hundreds of edges and windows
   * such noise raised incidents on healthy traffic. The z of a rise is therefore the normal
   * quantile of the exact upper tail; falls and small rises keep the approximation, which only
   * matters for rises.
   */
  public static Proportion proportion(long baseHits, long baseTotal, long hits, long total) {
    if (total == 0) {
      return Proportion.NONE;
    }
    double p0 = (baseHits + 0.5) / (baseTotal + 1.0);
    double now = (double) hits / total;
    double z = (hits - total * p0) / Math.sqrt(total * p0 * (1 - p0));
    if (z > 1) {
      z = Math.min(z, Tails.zOfLogTail(Tails.logBinomialUpperTail(hits, total, p0)));
    }
    return new Proportion(baseTotal == 0 ? 0 : (double) baseHits / baseTotal, now, z, total);
  }

  /**
   * A change of a rate per request (calls on an edge per visit of the caller): Poisson z-score of
   * the current count against what the baseline ratio predicts.
   *
   * @param before baseline calls per request
   * @param now current calls per request
   * @param z positive for more calls than expected, negative for fewer
   * @param expected calls the baseline ratio predicts now
   * @param observed calls seen now
   */
  public record RatioChange(double before, double now, double z, double expected, long observed) {
    public static final RatioChange NONE = new RatioChange(0, 0, 0, 0, 0);

    /**
     * Significant in either direction, by at least {@code minRelative} of the larger ratio, with
     * enough calls expected or seen to tell.
     */
    public boolean isChange(double minZ, double minRelative, double minCalls) {
      double scale = Math.max(before, now);
      return Math.abs(z) >= minZ
          && Math.max(expected, observed) >= minCalls
          && scale > 0
          && Math.abs(now - before) >= minRelative * scale;
    }
  }

  public static RatioChange ratio(long baseCalls, long baseVisits, long calls, long visits) {
    if (baseVisits == 0 || visits == 0) {
      return RatioChange.NONE;
    }
    double before = (double) baseCalls / baseVisits;
    double now = (double) calls / visits;
    double expected = before * visits;
    double z = (calls - expected) / Math.sqrt(Math.max(expected, 1));
    return new RatioChange(before, now, z, expected, calls);
  }
}
