package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.graph.CardinalityLimit;
import dev.faultline.analyzer.graph.EdgeAccumulator;
import dev.faultline.analyzer.graph.NodeAccumulator;
import dev.faultline.analyzer.graph.WindowAggregator;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Observation;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.ingest.internal.RateLimitedLog;
import dev.faultline.schemas.proto.WindowClosed;
import dev.faultline.schemas.proto.WindowPartial;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accumulates this task's calls and visits into windows and, when a window closes, sends its part
 * of the window to the graph stage: one record per edge and node, then a closing marker.
 *
 * <p>The open windows live in memory: a crash loses at most the parts of the windows still open
 * (seconds of statistics), never spans; the traces themselves are in the changelogged buffer.
 */
final class WindowStatsProcessor implements Processor<byte[], Observation, byte[], WindowPartial> {
  private static final Logger LOG = LoggerFactory.getLogger(WindowStatsProcessor.class);

  /**
   * How often (event time) to look for windows to close: a window is sent at most this long after
   * its end plus grace, rather than up to a whole window later. Looking finds nothing most times,
   * which costs next to nothing.
   */
  private static final long CLOSE_CHECK_MS = 100;

  private final long windowMs;
  private final long graceMs;
  private final CardinalityLimit limit;
  private final AnalyzerMetrics metrics;
  private final RateLimitedLog overflowLog = new RateLimitedLog(LOG);
  private WindowAggregator windows;
  private EventClock clock;
  private ProcessorContext<byte[], WindowPartial> context;
  private int partition;

  WindowStatsProcessor(
      long windowMs, long graceMs, CardinalityLimit limit, AnalyzerMetrics metrics) {
    this.windowMs = windowMs;
    this.graceMs = graceMs;
    this.limit = requireNonNull(limit, "limit");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  @Override
  public void init(ProcessorContext<byte[], WindowPartial> context) {
    this.context = context;
    this.windows = new WindowAggregator(windowMs, graceMs, limit);
    this.partition = context.taskId().partition();
    this.clock = new EventClock(Math.max(1, Math.min(windowMs, CLOSE_CHECK_MS)));
  }

  @Override
  public void process(Record<byte[], Observation> record) {
    boolean tick = clock.advance(record.timestamp());
    long now = clock.nowMs();
    if (record.value() instanceof Call call) {
      windows.add(call, now);
    } else if (record.value() instanceof Visit visit) {
      windows.add(visit, now);
    }
    if (tick) {
      publish(now);
    }
  }

  private void publish(long streamTimeMs) {
    for (WindowAggregator.Closed window : windows.advance(streamTimeMs)) {
      byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(window.startMs()).array();
      for (EdgeAccumulator edge : window.edges()) {
        forward(key, window, partial(window).setEdge(edge.toStats()).build());
      }
      for (NodeAccumulator node : window.nodes()) {
        forward(key, window, partial(window).setNode(node.toStats()).build());
      }
      forward(
          key,
          window,
          partial(window)
              .setClosed(
                  WindowClosed.newBuilder()
                      .setEdges(window.edges().size())
                      .setNodes(window.nodes().size())
                      .setLateRecords(window.lateRecords()))
              .build());
      if (window.lateRecords() > 0) {
        metrics.lateRecords(window.lateRecords());
      }
      CardinalityLimit.Overflow overflow = window.overflow();
      if (overflow.total() > 0) {
        metrics.cardinalityOverflow(overflow);
        overflowLog.warn(
            "window {} of task {} had too many distinct names: folded into '{}' {} node, {}"
                + " operation and {} edge references, dropped {} calls (faultline.window.max.*)",
            java.time.Instant.ofEpochMilli(window.startMs()),
            context.taskId(),
            CardinalityLimit.OTHER,
            overflow.nodes(),
            overflow.operations(),
            overflow.edges(),
            overflow.droppedEdges());
      }
    }
  }

  private WindowPartial.Builder partial(WindowAggregator.Closed window) {
    return WindowPartial.newBuilder()
        .setWindowStartMs(window.startMs())
        .setWindowEndMs(window.endMs())
        .setPartition(partition);
  }

  private void forward(byte[] key, WindowAggregator.Closed window, WindowPartial partial) {
    context.forward(new Record<>(key, partial, window.endMs()));
  }
}
