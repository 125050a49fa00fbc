package dev.faultline.analyzer.sketch;

import dev.faultline.schemas.proto.SketchData;
import java.util.Arrays;

/**
 * A mergeable distribution of non-negative values (microseconds) with 2 % relative accuracy: every
 * quantile it answers is within 2 % of a value that was added. Not thread-safe.
 *
 * <p>Value {@code x >= 1} goes to bucket {@code ceil(ln x / ln gamma)} with {@code gamma = (1 + a)
 * / (1 - a)}; smaller values to a zero bucket. Buckets are kept densely between the lowest and
 * highest index seen.
 */
public final class LatencySketch {
  /** Relative accuracy of quantiles. */
  public static final double RELATIVE_ACCURACY = 0.02;

  private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
  private static final double LOG_GAMMA = Math.log(GAMMA);
  private static final double MIN_VALUE = 1.0;

  private long[] counts = new long[0];
  private int offset;
  private long zeroCount;
  private long count;
  private double sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  /** Adds one value; negative values count as zero. */
  public void add(double value) {
    double v = Math.max(0, value);
    count++;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (v < MIN_VALUE) {
      zeroCount++;
      return;
    }
    int index = (int) Math.ceil(Math.log(v) / LOG_GAMMA);
    ensure(index);
    counts[index - offset]++;
  }

  /** Adds everything of {@code other}. */
  public void merge(LatencySketch other) {
    if (other.count == 0) {
      return;
    }
    if (other.counts.length > 0) {
      ensure(other.offset);
      ensure(other.offset + other.counts.length - 1);
      for (int i = 0; i < other.counts.length; i++) {
        counts[other.offset + i - offset] += other.counts[i];
      }
    }
    zeroCount += other.zeroCount;
    count += other.count;
    sum += other.sum;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }

  private void ensure(int index) {
    if (counts.length == 0) {
      counts = new long[8];
      offset = index - 4;
      return;
    }
    if (index < offset) {
      int grow = Math.max(offset - index, 8);
      long[] bigger = new long[counts.length + grow];
      System.arraycopy(counts, 0, bigger, grow, counts.length);
      counts = bigger;
      offset -= grow;
    } else if (index >= offset + counts.length) {
      int needed = index - offset + 1;
      counts = Arrays.copyOf(counts, Math.max(needed, counts.length + 8));
    }
  }

  public long count() {
    return count;
  }

  public double sum() {
    return sum;
  }

  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }

  public double min() {
    return count == 0 ? Double.NaN : min;
  }

  public double max() {
    return count == 0 ? Double.NaN : max;
  }

  /** The value at quantile {@code q} (0..1), or NaN when empty. */
  public double quantile(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    if (q <= 0) {
      return min;
    }
    if (q >= 1) {
      return max;
    }
    long rank = (long) Math.floor(q * (count - 1));
    if (rank < zeroCount) {
      return Math.max(min, 0);
    }
    long seen = zeroCount;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen > rank) {
        double estimate = 2 * Math.pow(GAMMA, i + offset) / (GAMMA + 1);
        return Math.max(min, Math.min(max, estimate));
      }
    }
    return max;
  }

  /**
   * How many values are above {@code threshold} (bucket resolution: values in the threshold's own
   * bucket do not count).
   */
  public long countAbove(double threshold) {
    if (count == 0) {
      return 0;
    }
    if (threshold < MIN_VALUE) {
      return count - zeroCount;
    }
    int index = (int) Math.ceil(Math.log(threshold) / LOG_GAMMA);
    long above = 0;
    for (int i = Math.max(0, index - offset + 1); i < counts.length; i++) {
      above += counts[i];
    }
    return above;
  }

  /** How many values are below {@code threshold} (bucket resolution, as {@link #countAbove}). */
  public long countBelow(double threshold) {
    if (count == 0 || threshold < MIN_VALUE) {
      return 0;
    }
    int index = (int) Math.ceil(Math.log(threshold) / LOG_GAMMA);
    long below = zeroCount;
    for (int i = 0; i < Math.min(counts.length, index - offset); i++) {
      below += counts[i];
    }
    return below;
  }

  /** The serialized form, trimmed to the buckets in use. */
  public SketchData toData() {
    SketchData.Builder data =
        SketchData.newBuilder().setZeroCount(zeroCount).setCount(count).setSum(sum);
    if (count > 0) {
      data.setMin(min).setMax(max);
    }
    int first = 0;
    int last = counts.length - 1;
    while (first <= last && counts[first] == 0) {
      first++;
    }
    while (last >= first && counts[last] == 0) {
      last--;
    }
    if (first <= last) {
      data.setIndexOffset(offset + first);
      for (int i = first; i <= last; i++) {
        data.addCounts(counts[i]);
      }
    }
    return data.build();
  }

  /** A sketch from its serialized form. */
  public static LatencySketch of(SketchData data) {
    LatencySketch sketch = new LatencySketch();
    sketch.count = data.getCount();
    sketch.zeroCount = data.getZeroCount();
    sketch.sum = data.getSum();
    if (data.getCount() > 0) {
      sketch.min = data.getMin();
      sketch.max = data.getMax();
    }
    if (data.getCountsCount() > 0) {
      sketch.offset = data.getIndexOffset();
      sketch.counts = new long[data.getCountsCount()];
      for (int i = 0; i < sketch.counts.length; i++) {
        sketch.counts[i] = data.getCounts(i);
      }
    }
    return sketch;
  }
}
