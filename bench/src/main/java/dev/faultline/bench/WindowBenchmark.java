package dev.faultline.bench;

import dev.faultline.analyzer.graph.WindowAggregator;
import dev.faultline.analyzer.trace.Call;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Window aggregation: {@link WindowAggregator#add(Call, long)} of simulated calls in event-time
 * order, into 2 s windows with stream time following the calls, per call. Each invocation starts
 * from an empty aggregator and adds {@value #CALLS} calls (a few windows' worth), so edges are both
 * created and updated as in a running instance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WindowBenchmark {
  static final int CALLS = 2_000;

  private List<Call> calls;
  private WindowAggregator windows;

  @Setup(Level.Trial)
  public void setUp() {
    List<Call> all = Traffic.get().observations().calls();
    if (all.size() < CALLS) {
      throw new IllegalStateException("only " + all.size() + " calls in the traffic");
    }
    calls = all.stream().sorted(Comparator.comparingLong(Call::timeMs)).limit(CALLS).toList();
  }

  // An invocation takes about a hundred microseconds, long enough for a per-invocation set-up.
  @Setup(Level.Invocation)
  public void freshAggregator() {
    windows = new WindowAggregator(2_000, 1_000);
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public WindowAggregator addCalls() {
    long streamTime = Long.MIN_VALUE;
    for (Call call : calls) {
      streamTime = Math.max(streamTime, call.timeMs());
      windows.add(call, streamTime);
    }
    return windows;
  }
}
