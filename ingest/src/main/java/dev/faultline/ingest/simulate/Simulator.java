package dev.faultline.ingest.simulate;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a {@link Scenario} as a discrete-event simulation and emits its spans through the
 * OpenTelemetry SDK. Only mechanisms are modelled (worker pools, queues, timeouts, retries,
 * breakers, shared capacity); a fault changes one of them and the rest follows: latency from
 * queueing, timeouts from latency, retries from timeouts, backlog from rate imbalance.
 *
 * <p>Virtual time runs as fast as the CPU allows, or paced to the wall clock. The same scenario and
 * seed always give the same spans.
 */
public final class Simulator {
  /** How long after the end in-flight work may still finish. */
  private static final long DRAIN_MICROS = 60_000_000L;

  /** How often each process exports what it has, in virtual time (the SDK batches likewise). */
  private static final long EXPORT_INTERVAL_MICROS = 1_000_000L;

  private final Scenario scenario;

  public Simulator(Scenario scenario) {
    this.scenario = requireNonNull(scenario, "scenario");
  }

  /**
   * How to run.
   *
   * @param startEpochMs wall-clock time of virtual time zero
   * @param realtime pace virtual time to the wall clock
   * @param progress receives a line now and then
   */
  public record Options(long startEpochMs, boolean realtime, Consumer<String> progress) {
    public Options {
      requireNonNull(progress, "progress");
    }
  }

  /** What a run produced. */
  public record Summary(
      long requests,
      long spans,
      long exports,
      long errors,
      long timeouts,
      long retries,
      long rejected,
      long breakerRejections,
      long messages) {}

  /**
   * Runs the scenario, handing each export request to {@code sink} as the processes' SDKs would
   * send them.
   */
  public Summary run(Options options, Consumer<ExportTraceServiceRequest> sink) {
    long[] exports = {0};
    EventLoop loop = new EventLoop();
    Telemetry telemetry =
        new Telemetry(
            loop,
            options.startEpochMs() * 1_000_000L,
            scenario.seed(),
            request -> {
              exports[0]++;
              sink.accept(request);
            });
    World world = new World(scenario, loop, telemetry);
    long end = (long) (scenario.durationSeconds() * 1_000_000L);
    world.start(end);
    loop.after(
        EXPORT_INTERVAL_MICROS,
        new Runnable() {
          @Override
          public void run() {
            telemetry.flush();
            if (loop.now() < end + DRAIN_MICROS) {
              loop.after(EXPORT_INTERVAL_MICROS, this);
            }
          }
        });
    long wallStart = System.nanoTime();
    long nextReport = end / 10;
    while (loop.nextTime() <= end + DRAIN_MICROS) {
      if (options.realtime()) {
        pace(wallStart, loop.nextTime());
      }
      loop.step();
      if (loop.now() >= nextReport && loop.now() <= end) {
        options
            .progress()
            .accept(
                String.format(
                    "%s: %.0f/%.0f s simulated, %,d spans",
                    scenario.name(),
                    loop.now() / 1e6,
                    scenario.durationSeconds(),
                    telemetry.spans()));
        nextReport += end / 10;
      }
    }
    telemetry.close();
    return world.summary(telemetry.spans(), exports[0]);
  }

  private static void pace(long wallStartNanos, long virtualMicros) {
    long dueNanos = wallStartNanos + virtualMicros * 1_000L;
    long wait = dueNanos - System.nanoTime();
    if (wait > 1_000_000L) {
      try {
        Thread.sleep(wait / 1_000_000L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("simulation interrupted", e);
      }
    }
  }

  /** Collects every export request of a run, for tests and in-process evaluation. */
  public static List<ExportTraceServiceRequest> collect(Scenario scenario, long startEpochMs) {
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    new Simulator(scenario).run(new Options(startEpochMs, false, line -> {}), requests::add);
    return requests;
  }
}
