package dev.faultline.analyzer.detect;

/**
 * Exact tail probabilities for the detectors' count tests, in logarithms so that the tiny
 * probabilities of real failures do not underflow: the binomial upper tail, and the standard normal
 * quantile with the same upper tail (so exact tests speak the z-scores the settings are in).
 */
final class Tails {
  private static final int FACTORIAL_TABLE = 256;
  private static final double[] LOG_FACTORIAL = new double[FACTORIAL_TABLE];
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  /** Beyond this z the upper tail is below 1e-300; no test needs more. */
  static final double MAX_Z = 37;

  /** Below this z, Q comes from {@link #UPPER_TAIL}; above, from the continued fraction. */
  private static final double TABLE_Z = 3;

  private static final double TABLE_STEP = 0.001;

  /** Q(z) at z = i x {@link #TABLE_STEP} up to {@link #TABLE_Z}, integrated once at start. */
  private static final double[] UPPER_TAIL = new double[(int) (TABLE_Z / TABLE_STEP) + 1];

  static {
    for (int i = 1; i < FACTORIAL_TABLE; i++) {
      LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
    }
    // Q(0) = 1/2, less the density's integral over each step (Simpson's rule on the step).
    UPPER_TAIL[0] = 0.5;
    for (int i = 1; i < UPPER_TAIL.length; i++) {
      double a = (i - 1) * TABLE_STEP;
      double b = i * TABLE_STEP;
      double area = (b - a) / 6 * (density(a) + 4 * density((a + b) / 2) + density(b));
      UPPER_TAIL[i] = UPPER_TAIL[i - 1] - area;
    }
  }

  private Tails() {}

  /** ln(m!): a table for small m, Stirling's series (error below 1e-15 here) beyond. */
  static double logFactorial(long m) {
    if (m < FACTORIAL_TABLE) {
      return LOG_FACTORIAL[(int) m];
    }
    double x = m;
    double inverse = 1 / x;
    double inverse2 = inverse * inverse;
    return x * Math.log(x)
        - x
        + HALF_LOG_TWO_PI
        + 0.5 * Math.log(x)
        + inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 / 1260));
  }

  /**
   * ln P(X >= k) for X ~ Binomial(n, p), 0 < p < 1: the probability at k, times the sum of the
   * ratios of the terms after it, which shrink from k on when k is above the mean (the only case
   * the detectors ask about; below the mean the tail is at least about a half, and so is returned).
   */
  static double logBinomialUpperTail(long k, long n, double p) {
    if (k <= 0) {
      return 0;
    }
    if (k > n) {
      return Double.NEGATIVE_INFINITY;
    }
    if (k <= n * p) {
      return Math.log(0.5);
    }
    double logAtK =
        logFactorial(n)
            - logFactorial(k)
            - logFactorial(n - k)
            + k * Math.log(p)
            + (n - k) * Math.log1p(-p);
    double odds = p / (1 - p);
    double term = 1;
    double sum = 1;
    for (long i = k; i < n && i - k < 1_000_000; i++) {
      term *= (double) (n - i) / (i + 1) * odds;
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    return Math.min(0, logAtK + Math.log(sum));
  }

  /** ln Q(z), Q the standard normal upper tail, for z >= 0. */
  static double logUpperTail(double z) {
    if (z < TABLE_Z) {
      // Linear between the table's points: off by under 1e-7, far below what a test needs.
      double at = z / TABLE_STEP;
      int i = (int) at;
      double q = UPPER_TAIL[i] + (at - i) * (UPPER_TAIL[i + 1] - UPPER_TAIL[i]);
      return Math.log(q);
    }
    // Q(z) = density(z) * R(z), R (Mills' ratio) as its continued fraction
    // 1 / (z + 1 / (z + 2 / (z + 3 / (z + ...)))), evaluated from the far end.
    double t = z;
    for (int j = 80; j >= 1; j--) {
      t = z + j / t;
    }
    return -0.5 * z * z - HALF_LOG_TWO_PI - Math.log(t);
  }

  private static double density(double x) {
    return Math.exp(-0.5 * x * x - HALF_LOG_TWO_PI);
  }

  /** The z >= 0 whose normal upper tail is e^logTail (0 for tails of a half or more). */
  static double zOfLogTail(double logTail) {
    if (logTail >= Math.log(0.5)) {
      return 0;
    }
    if (logTail <= logUpperTail(MAX_Z)) {
      return MAX_Z;
    }
    double lo = 0;
    double hi = MAX_Z;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (logUpperTail(mid) > logTail) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }
}
