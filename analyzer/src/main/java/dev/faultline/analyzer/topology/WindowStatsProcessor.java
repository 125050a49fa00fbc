package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.graph.CardinalityLimit;
import dev.faultline.analyzer.graph.EdgeAccumulator;
import dev.faultline.analyzer.graph.GraphKeys;
import dev.faultline.analyzer.graph.NodeAccumulator;
import dev.faultline.analyzer.graph.WindowAggregator;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Observation;
import dev.faultline.analyzer.trace.Observations;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.analyzer.trace.Watermark;
import dev.faultline.ingest.internal.RateLimitedLog;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import dev.faultline.schemas.proto.WindowClosed;
import dev.faultline.schemas.proto.WindowPartial;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accumulates this task's calls and visits into windows and, when a window closes, sends its part
 * of the window to the graph stage: one record per edge and node, then a closing marker.
 *
 * <p>The open windows live in memory and, at every commit, what changed in them goes to the
 * changelogged store {@link #STORE} ({@link CommitHookStore}): each changed edge and node once per
 * commit, in the same transaction as the input offsets behind it, so an instance that dies loses no
 * statistics of its open windows: the task's next owner restores them. A closed window's entries
 * are deleted when its part is sent.
 */
final class WindowStatsProcessor implements Processor<byte[], Observation, byte[], WindowPartial> {
  static final String STORE = "window-open";

  private static final Logger LOG = LoggerFactory.getLogger(WindowStatsProcessor.class);
  private static final byte LATE = 'L';
  private static final Bytes CLOSED_UP_TO = GraphKeys.key(Long.MAX_VALUE, (byte) 'M', "");

  private final long windowMs;
  private final long graceMs;
  private final CardinalityLimit limit;
  private final AnalyzerMetrics metrics;
  private final RateLimitedLog overflowLog = new RateLimitedLog(LOG);
  private WindowAggregator windows;
  private ProcessorContext<byte[], WindowPartial> context;
  private CommitHookStore store;
  private int partition;

  /** Trace assembly's watermark: windows close as it passes their end plus the grace. */
  private long now = Long.MIN_VALUE;

  /** Keys of each open window in the store, so that closing it deletes exactly those. */
  private final Map<Long, Set<Bytes>> stored = new HashMap<>();

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
    this.store = context.getStateStore(STORE);
    restore();
    store.beforeCommit(this::save);
  }

  @Override
  public void process(Record<byte[], Observation> record) {
    if (record.value() instanceof Observations batch) {
      for (Observation observation : batch.items()) {
        add(observation);
      }
    } else if (record.value() instanceof Watermark watermark) {
      if (watermark.timeMs() > now) {
        now = watermark.timeMs();
        publish(now);
      }
    } else {
      add(record.value());
    }
  }

  private void add(Observation observation) {
    if (observation instanceof Call call) {
      windows.add(call, now);
    } else if (observation instanceof Visit visit) {
      windows.add(visit, now);
    }
  }

  private void publish(long streamTimeMs) {
    for (WindowAggregator.Closed window : windows.advance(streamTimeMs)) {
      Set<Bytes> keys = stored.remove(window.startMs());
      if (keys != null) {
        keys.forEach(store::delete);
      }
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

  /** Rebuilds the open windows from the store (empty unless the task ran before). */
  private void restore() {
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        if (entry.key.equals(CLOSED_UP_TO)) {
          windows.restoreClosedUpTo(ByteBuffer.wrap(entry.value).getLong());
          continue;
        }
        long window = GraphKeys.windowOf(entry.key);
        stored.computeIfAbsent(window, w -> new HashSet<>()).add(entry.key);
        switch (GraphKeys.typeOf(entry.key)) {
          case GraphKeys.EDGE ->
              windows.restoreEdge(window, parse(entry.value, EdgeStats.parser()));
          case GraphKeys.NODE ->
              windows.restoreNode(window, parse(entry.value, NodeStats.parser()));
          case LATE -> windows.restoreLateRecords(window, ByteBuffer.wrap(entry.value).getLong());
          default ->
              throw new IllegalStateException("unknown entry in " + STORE + ": " + entry.key);
        }
      }
    }
  }

  /** Writes what changed in the open windows since the last commit. */
  private void save() {
    windows.drainChanges(
        new WindowAggregator.Changes() {
          @Override
          public void edge(long windowStartMs, EdgeStats edge) {
            put(GraphKeys.edge(windowStartMs, edge), windowStartMs, edge.toByteArray());
          }

          @Override
          public void node(long windowStartMs, NodeStats node) {
            put(GraphKeys.node(windowStartMs, node), windowStartMs, node.toByteArray());
          }

          @Override
          public void lateRecords(long windowStartMs, long lateRecords) {
            put(GraphKeys.key(windowStartMs, LATE, ""), windowStartMs, longBytes(lateRecords));
          }

          @Override
          public void closedUpTo(long windowStartMs) {
            store.put(CLOSED_UP_TO, longBytes(windowStartMs));
          }
        });
  }

  private void put(Bytes key, long window, byte[] value) {
    store.put(key, value);
    stored.computeIfAbsent(window, w -> new HashSet<>()).add(key);
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  private static <T> T parse(byte[] bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt " + STORE + " entry", e);
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
