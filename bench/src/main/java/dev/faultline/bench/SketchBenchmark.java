package dev.faultline.bench;

import dev.faultline.analyzer.sketch.LatencySketch;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The latency sketch: adding one value, and merging one window's sketch of an edge (1,000 values)
 * into a running one, as the graph stage and the baselines do. Values are log-normal latencies in
 * microseconds (median 20 ms, a long tail), the shape real edges have.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SketchBenchmark {
  private static final int VALUES = 4_096; // a power of two: the index wraps with a mask

  private final double[] values = new double[VALUES];
  private LatencySketch sketch;
  private LatencySketch window;
  private LatencySketch running;
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < VALUES; i++) {
      values[i] = Math.exp(Math.log(20_000) + 1.0 * gaussian(random));
    }
    sketch = new LatencySketch();
    window = new LatencySketch();
    for (int i = 0; i < 1_000; i++) {
      window.add(values[i]);
    }
    running = new LatencySketch();
    running.merge(window);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Benchmark
  public LatencySketch add() {
    sketch.add(values[next++ & (VALUES - 1)]);
    return sketch;
  }

  @Benchmark
  public LatencySketch merge() {
    running.merge(window);
    return running;
  }
}
