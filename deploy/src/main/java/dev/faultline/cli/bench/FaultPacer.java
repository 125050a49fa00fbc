package dev.faultline.cli.bench;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The simulator's sink for the detection-latency stage: sends every export to the input topic, at
 * once in the healthy stretches, and paced to the wall clock from {@link
 * DetectionLatencyBenchmark#LEAD_SECONDS} before each fault until its incident arrives or the
 * timeout passes. Exports leave the simulator once per virtual second, as its processes' SDKs flush
 * them; a paced export leaves when the wall clock reaches that flush.
 */
final class FaultPacer implements Consumer<ExportTraceServiceRequest> {
  /** Thrown through the simulator when every fault has been watched: the run can stop there. */
  static final class Done extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Done() {
      super("every fault watched", null, false, false);
    }
  }

  static final String BACKGROUND_QUEUE_PREFIX = "background-";

  /** Virtual time of the scenario alone, to measure its own rate, before the background starts. */
  private static final long BACKGROUND_AFTER_MS = 10_000;

  private final FaultCycle cycle;
  private final long startEpochMs;
  private final Producer<byte[], byte[]> producer;
  private final Consumer<ExportTraceServiceRequest> kafka;
  private final LatencyOptions options;
  private final Lag lag;
  private final List<DetectionLatencyBenchmark.Alert> alerts;
  private final PrintWriter log;
  private final long[] wallStarts;
  private final long[] lagsAtStart;
  private int fault;
  private boolean paced;
  private boolean started;
  private long offsetMs;
  private long phaseWallMs;
  private long pacedMs;
  private long pacedSpans;
  private long fastSpans;
  private long fastVirtualMs;
  private long lastFastFlushMs;
  private SyntheticTraffic background;
  private double backgroundRate;
  private long backgroundSpans;
  private long phaseVirtualMs;

  FaultPacer(
      FaultCycle cycle,
      long startEpochMs,
      Producer<byte[], byte[]> producer,
      Consumer<ExportTraceServiceRequest> sink,
      LatencyOptions options,
      Lag lag,
      List<DetectionLatencyBenchmark.Alert> alerts,
      PrintWriter log) {
    this.cycle = requireNonNull(cycle, "cycle");
    this.startEpochMs = startEpochMs;
    this.producer = requireNonNull(producer, "producer");
    this.kafka = requireNonNull(sink, "sink");
    this.options = options;
    this.lag = lag;
    this.alerts = alerts;
    this.log = log;
    this.wallStarts = new long[cycle.faults().size()];
    this.lagsAtStart = new long[cycle.faults().size()];
    Arrays.fill(wallStarts, -1);
  }

  @Override
  public void accept(ExportTraceServiceRequest request) {
    long flushMs = flushVirtualMs(request);
    FaultCycle.Fault current = cycle.faults().get(fault);
    long faultMs = (long) (current.startSeconds() * 1000);
    int spans = IngestBenchmark.spanCount(request);
    try {
      if (!paced && flushMs >= faultMs - DetectionLatencyBenchmark.LEAD_SECONDS * 1000) {
        approach(current, flushMs);
      }
      if (!paced) {
        kafka.accept(request);
        fastSpans += spans;
        fastVirtualMs += Math.max(0, flushMs - lastFastFlushMs);
        lastFastFlushMs = flushMs;
        if (background == null && fastVirtualMs >= BACKGROUND_AFTER_MS) {
          startBackground(flushMs);
        }
        sendBackground(flushMs);
        return;
      }
      sleepUntil(startEpochMs + flushMs + offsetMs);
      if (!started && flushMs >= faultMs) {
        started = true;
        lagsAtStart[fault] = lag.records();
      }
      kafka.accept(request);
      pacedSpans += spans;
      sendBackground(flushMs);
      long now = System.currentTimeMillis();
      if (detected(current) || now > wallStarts[fault] + (long) (options.timeoutSeconds * 1000)) {
        leave(current, now);
      }
      lastFastFlushMs = flushMs;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Done done) {
      throw done;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets the analyzer catch up, then paces from this flush on and adds the background load. */
  private void approach(FaultCycle.Fault current, long flushMs) throws Exception {
    producer.flush();
    long waited = System.currentTimeMillis();
    long left = lag.waitForZero(120_000);
    double scenarioRate = scenarioRate();
    if (background == null) {
      startBackground(flushMs);
    }
    long now = System.currentTimeMillis();
    offsetMs = now - (startEpochMs + flushMs);
    phaseWallMs = now;
    wallStarts[fault] = startEpochMs + (long) (current.startSeconds() * 1000) + offsetMs;
    paced = true;
    started = false;
    log.printf(
        "  fault %d/%d (%s, root cause %s): analyzer caught up in %.1f s%s; real time from"
            + " %d s before it, scenario %,.0f + background %,.0f spans/s%n",
        fault + 1,
        cycle.faults().size(),
        current.name(),
        current.truth(),
        (now - waited) / 1000.0,
        left > 0 ? " (still " + left + " records behind)" : "",
        DetectionLatencyBenchmark.LEAD_SECONDS,
        scenarioRate,
        backgroundRate);
    log.flush();
  }

  private double scenarioRate() {
    return fastVirtualMs == 0 ? 0 : fastSpans * 1000.0 / fastVirtualMs;
  }

  /**
   * Starts the background at this flush, for the rest of the run: the other services of the system,
   * there all along as in production, so the baseline knows them before any fault. Its rate tops
   * the scenario's own (measured so far) up to {@code --latency-rate}. Its event time follows the
   * scenario's virtual clock, not the wall clock: were the simulator to fall behind on a busy
   * machine, its spans would otherwise arrive late against the background's stream time.
   */
  private void startBackground(long flushMs) {
    backgroundRate = Math.max(0, options.rate - scenarioRate());
    backgroundSpans = 0;
    phaseVirtualMs = flushMs;
    background =
        new SyntheticTraffic(
            1_000, 40, 100, Math.max(1, backgroundRate), (startEpochMs + flushMs) * 1_000_000L);
  }

  /** The background's spans up to this flush of the scenario's clock. */
  private void sendBackground(long flushMs) {
    if (background == null) {
      return;
    }
    double due = backgroundRate * (flushMs - phaseVirtualMs) / 1000.0;
    while (backgroundSpans < due) {
      ExportTraceServiceRequest request = ownQueue(background.next());
      kafka.accept(request);
      int spans = IngestBenchmark.spanCount(request);
      backgroundSpans += spans;
      if (paced) {
        pacedSpans += spans;
      }
    }
  }

  /**
   * The background with its queue renamed: the synthetic traffic publishes to {@code kafka/orders},
   * which is also the storefront's queue, and thousands of foreign messages a second on it made the
   * storefront's consumers look as if they had fallen behind.
   */
  static ExportTraceServiceRequest ownQueue(ExportTraceServiceRequest request) {
    ExportTraceServiceRequest.Builder out = request.toBuilder();
    for (ResourceSpans.Builder resource : out.getResourceSpansBuilderList()) {
      for (ScopeSpans.Builder scope : resource.getScopeSpansBuilderList()) {
        for (Span.Builder span : scope.getSpansBuilderList()) {
          for (KeyValue.Builder attribute : span.getAttributesBuilderList()) {
            if (attribute.getKey().equals("messaging.destination.name")) {
              attribute.setValue(
                  AnyValue.newBuilder()
                      .setStringValue(
                          BACKGROUND_QUEUE_PREFIX + attribute.getValue().getStringValue()));
            }
          }
        }
      }
    }
    return out.build();
  }

  private void leave(FaultCycle.Fault current, long now) throws Exception {
    pacedMs += now - phaseWallMs;
    DetectionLatencyBenchmark.Alert right = firstRight(current);
    log.printf(
        "  fault %d/%d: %s%n",
        fault + 1,
        cycle.faults().size(),
        right == null
            ? "no incident naming " + current.truth() + " within the timeout"
            : String.format(
                "incident %s naming %s after %.1f s",
                right.incident().type(),
                right.incident().rootCause().node(),
                (right.receivedMs() - wallStarts[fault]) / 1000.0));
    log.flush();
    paced = false;
    fault++;
    if (fault == cycle.faults().size()) {
      throw new Done();
    }
  }

  private boolean detected(FaultCycle.Fault current) {
    return firstRight(current) != null;
  }

  private DetectionLatencyBenchmark.Alert firstRight(FaultCycle.Fault current) {
    return new DetectionLatencyBenchmark.Watch(cycle, current, startEpochMs, wallStarts[fault])
        .firstRight(alerts, Long.MAX_VALUE);
  }

  /** Ends the phase in progress, if any (the simulation ended before its fault was judged). */
  void endPhase() {
    if (paced) {
      pacedMs += System.currentTimeMillis() - phaseWallMs;
      paced = false;
    }
  }

  /** The wall-clock instant fault {@code i} started, or -1 when it was not reached. */
  long wallStart(int i) {
    return wallStarts[i];
  }

  long lagAtStart(int i) {
    return lagsAtStart[i];
  }

  /** Spans per second sent while faults were watched (scenario and background). */
  double achievedRate() {
    return pacedMs == 0 ? 0 : pacedSpans * 1000.0 / pacedMs;
  }

  /**
   * The virtual instant (ms from the start) of the flush that sent {@code request}: the simulator
   * flushes every whole second, so the first whole second at or after its latest span end.
   */
  private long flushVirtualMs(ExportTraceServiceRequest request) {
    long latest = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          latest = Math.max(latest, span.getEndTimeUnixNano() / 1_000_000L);
        }
      }
    }
    long virtual = Math.max(0, latest - startEpochMs);
    return (virtual + 999) / 1000 * 1000;
  }

  private static void sleepUntil(long wallMs) throws InterruptedException {
    long wait = wallMs - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}
