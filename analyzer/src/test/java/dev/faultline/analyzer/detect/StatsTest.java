package dev.faultline.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faultline.analyzer.sketch.LatencySketch;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatsTest {
  private static final DetectionSettings DEFAULTS = DetectionSettings.defaults();

  /** Log-normal values around {@code meanMs} (in µs), reproducible by seed. */
  private static LatencySketch sample(int n, double meanMs, long seed) {
    Random random = new Random(seed);
    LatencySketch sketch = new LatencySketch();
    for (int i = 0; i < n; i++) {
      sketch.add(meanMs * 1_000 * Math.exp(0.25 * random.nextGaussian()));
    }
    return sketch;
  }

  private static boolean risen(Stats.Shift shift) {
    return shift.isRise(
        DEFAULTS.latencyZ(),
        DEFAULTS.latencyRatio(),
        DEFAULTS.latencyMinMs() * 1_000,
        DEFAULTS.minSamples());
  }

  @Test
  void identicalSamplesShowNoShiftEitherWay() {
    LatencySketch sample = sample(1_000, 10, 1);

    Stats.Shift shift = Stats.shift(sample, sample);

    assertThat(shift.samples()).isEqualTo(1_000);
    assertThat(shift.zUp()).isLessThanOrEqualTo(0);
    assertThat(shift.zDown()).isLessThanOrEqualTo(0);
    assertThat(shift.meanDelta()).isZero();
    assertThat(risen(shift)).isFalse();
  }

  @Test
  void fiveTimesSlowerIsASignificantLargeRise() {
    Stats.Shift shift = Stats.shift(sample(3_000, 10, 1), sample(250, 50, 2));

    // Every current value lies above the baseline p90: z = (250 - 25) / sqrt(250 * 0.09).
    assertThat(shift.zUp()).isGreaterThan(45);
    assertThat(shift.nowP90() / shift.beforeP90()).isBetween(4.0, 6.0);
    assertThat(shift.meanDelta()).isBetween(35_000.0, 45_000.0);
    assertThat(risen(shift)).isTrue();
  }

  @Test
  void aFallIsSeenByItsOwnTestNotAsARise() {
    Stats.Shift shift = Stats.shift(sample(3_000, 50, 1), sample(250, 10, 2));

    assertThat(risen(shift)).isFalse();
    assertThat(
            shift.isFall(
                DEFAULTS.latencyZ(),
                DEFAULTS.latencyRatio(),
                DEFAULTS.latencyMinMs() * 1_000,
                DEFAULTS.minSamples()))
        .isTrue();
  }

  @Test
  void noiseFromTheSameDistributionNeverCountsAsARise() {
    LatencySketch baseline = sample(3_000, 10, 1);
    for (long seed = 2; seed < 202; seed++) {
      Stats.Shift shift = Stats.shift(baseline, sample(250, 10, seed));
      assertThat(risen(shift)).as("seed %d", seed).isFalse();
      assertThat(shift.zUp()).as("seed %d", seed).isLessThan(DEFAULTS.latencyZ());
    }
  }

  @Test
  void aSignificantButSmallRiseDoesNotCount() {
    // 0.5 ms -> 1 ms: every value above the old p90, but below faultline.detect.latency.min.ms.
    Stats.Shift shift = Stats.shift(sample(3_000, 0.5, 1), sample(250, 1, 2));

    assertThat(shift.zUp()).isGreaterThan(DEFAULTS.latencyZ());
    assertThat(risen(shift)).isFalse();
  }

  @Test
  void tooFewCurrentValuesAreNotJudged() {
    Stats.Shift shift = Stats.shift(sample(3_000, 10, 1), sample(5, 100, 2));

    assertThat(shift.nowP90()).isGreaterThan(shift.beforeP90() * 5);
    assertThat(risen(shift)).isFalse();
  }

  @Test
  void emptySidesGiveNoShift() {
    assertThat(Stats.shift(new LatencySketch(), sample(100, 10, 1))).isEqualTo(Stats.Shift.NONE);
    assertThat(Stats.shift(sample(100, 10, 1), new LatencySketch())).isEqualTo(Stats.Shift.NONE);
  }

  @Test
  void anErrorRateRiseCountsOnlyWhenSignificantAndLargeEnough() {
    Stats.Proportion same = Stats.proportion(10, 10_000, 1, 1_000);
    Stats.Proportion clear = Stats.proportion(10, 10_000, 300, 1_000);
    Stats.Proportion tiny = Stats.proportion(0, 10_000, 30, 1_000); // 3 %: significant, small

    assertThat(same.isRise(DEFAULTS.errorZ(), DEFAULTS.errorMinRate(), DEFAULTS.minSamples()))
        .isFalse();
    assertThat(clear.before()).isEqualTo(0.001);
    assertThat(clear.now()).isEqualTo(0.3);
    assertThat(clear.isRise(DEFAULTS.errorZ(), DEFAULTS.errorMinRate(), DEFAULTS.minSamples()))
        .isTrue();
    assertThat(tiny.z()).isGreaterThan(DEFAULTS.errorZ());
    assertThat(tiny.isRise(DEFAULTS.errorZ(), DEFAULTS.errorMinRate(), DEFAULTS.minSamples()))
        .isFalse();
  }

  @Test
  void aRiseIsJudgedOnTheCountsExactDistribution() {
    // 5 failures in 18 calls against a 2 % baseline: the normal approximation says z = 7.8, the
    // exact binomial chance of 5 or more is 2.2e-5 (z = 4.1): noise on one of many small edges.
    Stats.Proportion noise = Stats.proportion(200, 10_000, 5, 18);
    // 30 % of 300 calls against the same baseline is a failure whatever the test.
    Stats.Proportion failure = Stats.proportion(200, 10_000, 90, 300);

    assertThat(noise.z()).isCloseTo(4.08, within(0.05));
    assertThat(noise.isRise(DEFAULTS.errorZ(), DEFAULTS.errorMinRate(), DEFAULTS.minSamples()))
        .isFalse();
    assertThat(failure.z()).isCloseTo(18.6, within(0.2));
    assertThat(failure.isRise(DEFAULTS.errorZ(), DEFAULTS.errorMinRate(), DEFAULTS.minSamples()))
        .isTrue();
  }

  @Test
  void exactTailsMatchTheNormalWhereItHolds() {
    // A million fair coins, three standard deviations above the mean: z about 3.
    long n = 1_000_000;
    long k = n / 2 + 1_500;
    assertThat(Tails.zOfLogTail(Tails.logBinomialUpperTail(k, n, 0.5)))
        .isCloseTo(3.0, within(0.01));
    // The normal quantile of known tails: Q(1.6449) = 0.05, Q(5) = 2.8665e-7.
    assertThat(Tails.zOfLogTail(Math.log(0.05))).isCloseTo(1.6449, within(0.001));
    assertThat(Tails.zOfLogTail(Math.log(2.8665e-7))).isCloseTo(5.0, within(0.001));
    assertThat(Math.exp(Tails.logUpperTail(2.99))).isCloseTo(0.0013948, within(1e-6));
    assertThat(Math.exp(Tails.logUpperTail(3.01))).isCloseTo(0.0013062, within(1e-6));
  }

  @Test
  void aSingleErrorAgainstACleanBaselineIsNoRise() {
    // The clean baseline is smoothed (0.5 / 10 001), so z stays finite; the minimum rate decides.
    Stats.Proportion one = Stats.proportion(0, 10_000, 1, 250);

    assertThat(one.z()).isFinite();
    assertThat(one.isRise(DEFAULTS.errorZ(), DEFAULTS.errorMinRate(), DEFAULTS.minSamples()))
        .isFalse();
  }

  @Test
  void callsPerRequestChangeInEitherDirection() {
    Stats.RatioChange same = Stats.ratio(3_000, 1_000, 750, 250);
    Stats.RatioChange vanished = Stats.ratio(3_000, 1_000, 0, 250);
    Stats.RatioChange tripled = Stats.ratio(1_000, 1_000, 750, 250);

    assertThat(same.isChange(DEFAULTS.structureZ(), DEFAULTS.structureMinChange(), 8)).isFalse();
    assertThat(vanished.z()).isNegative();
    assertThat(vanished.isChange(DEFAULTS.structureZ(), DEFAULTS.structureMinChange(), 8)).isTrue();
    assertThat(tripled.before()).isEqualTo(1.0);
    assertThat(tripled.now()).isEqualTo(3.0);
    assertThat(tripled.isChange(DEFAULTS.structureZ(), DEFAULTS.structureMinChange(), 8)).isTrue();
  }

  @Test
  void aLoadChangeAloneIsNoChangeOfCallsPerRequest() {
    // Twice the requests, twice the calls: the same 3 calls per request.
    Stats.RatioChange ratio = Stats.ratio(3_000, 1_000, 1_500, 500);

    assertThat(ratio.now()).isEqualTo(ratio.before());
    assertThat(ratio.z()).isZero();
  }
}
