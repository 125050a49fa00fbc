package dev.faultline.analyzer.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faultline.analyzer.sketch.LatencySketch;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencySketchTest {

  @Test
  void quantilesAreWithinTheRelativeAccuracyOfTheExactOnes() {
    Random random = new Random(3);
    double[] values = new double[20_000];
    LatencySketch sketch = new LatencySketch();
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(random.nextGaussian() * 1.5 + 9); // log-normal around 8 ms
      sketch.add(values[i]);
    }
    Arrays.sort(values);

    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = values[(int) Math.floor(q * (values.length - 1))];
      assertThat(sketch.quantile(q))
          .as("p%s", q * 100)
          .isCloseTo(exact, within(exact * LatencySketch.RELATIVE_ACCURACY * 1.01));
    }
    assertThat(sketch.count()).isEqualTo(values.length);
  }

  @Test
  void mergingSketchesEqualsSketchingEverything() {
    LatencySketch a = new LatencySketch();
    LatencySketch b = new LatencySketch();
    LatencySketch all = new LatencySketch();
    for (int i = 0; i < 1_000; i++) {
      double value = i * 37.5;
      (i % 3 == 0 ? a : b).add(value);
      all.add(value);
    }

    a.merge(b);

    assertThat(a.toData()).isEqualTo(all.toData());
  }

  @Test
  void theSerializedFormRoundTrips() {
    LatencySketch sketch = new LatencySketch();
    for (double v : new double[] {0, 0.5, 3, 3_000, 7_000_000}) {
      sketch.add(v);
    }

    LatencySketch back = LatencySketch.of(sketch.toData());

    assertThat(back.toData()).isEqualTo(sketch.toData());
    assertThat(back.quantile(0.5)).isEqualTo(sketch.quantile(0.5));
    assertThat(back.min()).isZero();
    assertThat(back.max()).isEqualTo(7_000_000);
  }

  @Test
  void anEmptySketchAnswersNaN() {
    assertThat(new LatencySketch().quantile(0.99)).isNaN();
  }
}
