package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.analyzer.graph.EdgeAccumulator;
import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphKeys;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.graph.NodeAccumulator;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.MergeMeta;
import dev.faultline.schemas.proto.NodeStats;
import dev.faultline.schemas.proto.WindowPartial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The graph stage: merges the window parts of every trace-assembly task (one partition, so one task
 * sees them all) and publishes each window, in order, once every active task closed it. A task is
 * active until it has sent nothing (no part, no closing marker) for the finalize timeout of wall
 * clock; a task that is merely behind, catching up on a backlog, is waited for, since its parts
 * would otherwise arrive after their window was published and count in a later one. Published
 * windows go to {@code faultline.graph} and to the window listeners (the detectors).
 *
 * <p>Store {@link #STORE}: the parts merged so far, keyed by window and edge or node, so a restart
 * resumes the merge from the changelog.
 */
final class GraphMergeProcessor implements Processor<byte[], WindowPartial, Bytes, Published> {
  static final String STORE = "graph-merge";

  private static final byte EDGE = GraphKeys.EDGE;
  private static final byte NODE = GraphKeys.NODE;
  private static final byte CLOSED = GraphKeys.CLOSED;
  private static final Bytes META = Bytes.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, 'M'});

  private final long windowMs;
  private final long finalizeTimeoutMs;
  private final int expectedTasks;
  private final AnalyzerMetrics metrics;
  private final Consumer<GraphWindow> listener;
  private ProcessorContext<Bytes, Published> context;
  private KeyValueStore<Bytes, byte[]> store;
  private MergeMeta.Builder meta;

  /** Per task (partition of the window stage): wall-clock time it was last heard from. */
  private final Map<Integer, Long> heard = new java.util.HashMap<>();

  /**
   * On a first start (nothing saved), nothing is published until every expected task was heard from
   * or this wall-clock time passed (set by the first part), so that the first task heard from is
   * not taken for the only one; {@link Long#MIN_VALUE} when not waiting, -1 before the first part.
   */
  private long startsAtWallMs = Long.MIN_VALUE;

  /** Windows with parts in the store, not yet published: kept in memory to avoid store scans. */
  private final java.util.TreeSet<Long> pending = new java.util.TreeSet<>();

  GraphMergeProcessor(
      long windowMs,
      long finalizeTimeoutMs,
      int expectedTasks,
      AnalyzerMetrics metrics,
      Consumer<GraphWindow> listener) {
    this.windowMs = windowMs;
    this.finalizeTimeoutMs = finalizeTimeoutMs;
    this.expectedTasks = expectedTasks;
    this.metrics = requireNonNull(metrics, "metrics");
    this.listener = requireNonNull(listener, "listener");
  }

  @Override
  public void init(ProcessorContext<Bytes, Published> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    byte[] saved = store.get(META);
    if (saved == null && finalizeTimeoutMs > 0) {
      startsAtWallMs = -1;
    }
    try {
      meta = saved == null ? MergeMeta.newBuilder() : MergeMeta.parseFrom(saved).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt graph-merge bookkeeping", e);
    }
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        Bytes key = it.next().key;
        if (!key.equals(META)) {
          pending.add(windowOf(key));
        }
      }
    }
    // The task's next owner waits for every task its previous owner knew.
    long now = context.currentSystemTimeMs();
    meta.getPartitionLastWindowMsMap().keySet().forEach(partition -> heard.put(partition, now));
    // A task falling silent lets the windows it held back go.
    context.schedule(
        Duration.ofMillis(Math.max(100, Math.min(1_000, finalizeTimeoutMs / 2))),
        PunctuationType.WALL_CLOCK_TIME,
        wallMs -> publishDue());
  }

  @Override
  public void process(Record<byte[], WindowPartial> record) {
    WindowPartial partial = record.value();
    long window = partial.getWindowStartMs();
    heard.put(partial.getPartition(), context.currentSystemTimeMs());
    if (startsAtWallMs == -1) {
      startsAtWallMs = context.currentSystemTimeMs() + finalizeTimeoutMs;
    }
    if (meta.getPublishedAny() && window <= meta.getLastPublishedStartMs()) {
      // A task that reported after its window was published (it had no data before, or it fell
      // behind past the finalize timeout): its figures count in the next window to publish, as
      // late data counts in the oldest open window upstream, rather than being lost.
      metrics.latePartials();
      if (partial.getPartCase() == WindowPartial.PartCase.CLOSED) {
        long last = meta.getPartitionLastWindowMsOrDefault(partial.getPartition(), Long.MIN_VALUE);
        meta.putPartitionLastWindowMs(partial.getPartition(), Math.max(last, window));
        store.put(META, meta.build().toByteArray());
        return;
      }
      window = meta.getLastPublishedStartMs() + windowMs;
    }
    pending.add(window);
    switch (partial.getPartCase()) {
      case EDGE -> {
        Bytes key = key(window, EDGE, EdgeKey.of(partial.getEdge()).id());
        byte[] old = store.get(key);
        if (old == null) {
          store.put(key, partial.getEdge().toByteArray());
        } else {
          EdgeAccumulator merged = new EdgeAccumulator(EdgeKey.of(partial.getEdge()));
          merged.merge(parse(old, EdgeStats.parser()));
          merged.merge(partial.getEdge());
          store.put(key, merged.toStats().toByteArray());
        }
      }
      case NODE -> {
        NodeStats node = partial.getNode();
        OperationKey op = new OperationKey(node.getService(), node.getOperation());
        Bytes key = key(window, NODE, op.id());
        byte[] old = store.get(key);
        if (old == null) {
          store.put(key, node.toByteArray());
        } else {
          NodeAccumulator merged = new NodeAccumulator(op);
          merged.merge(parse(old, NodeStats.parser()));
          merged.merge(node);
          store.put(key, merged.toStats().toByteArray());
        }
      }
      case CLOSED -> {
        store.put(
            key(window, CLOSED, Integer.toString(partial.getPartition())),
            partial.getClosed().toByteArray());
        long last = meta.getPartitionLastWindowMsOrDefault(partial.getPartition(), Long.MIN_VALUE);
        meta.putPartitionLastWindowMs(partial.getPartition(), Math.max(last, window));
        store.put(META, meta.build().toByteArray());
        // Only a closing marker can complete a window.
        publishDue();
      }
      default -> {}
    }
  }

  /** Publishes, in order, every window that every active task closed. */
  private void publishDue() {
    long now = context.currentSystemTimeMs();
    if (startsAtWallMs != Long.MIN_VALUE) {
      if (startsAtWallMs < 0 || (now < startsAtWallMs && heard.size() < expectedTasks)) {
        return;
      }
      startsAtWallMs = Long.MIN_VALUE;
    }
    while (true) {
      Long next = nextWindow();
      if (next == null || !closedByEveryActiveTask(next, now)) {
        return;
      }
      publish(next, isComplete(next));
    }
  }

  /** Whether every task heard from within the finalize timeout has closed {@code window}. */
  private boolean closedByEveryActiveTask(long window, long now) {
    for (Map.Entry<Integer, Long> task : heard.entrySet()) {
      if (now - task.getValue() <= finalizeTimeoutMs
          && meta.getPartitionLastWindowMsOrDefault(task.getKey(), Long.MIN_VALUE) < window) {
        return false;
      }
    }
    return true;
  }

  private Long nextWindow() {
    return pending.isEmpty() ? null : pending.first();
  }

  /** Whether every task known has closed {@code window} (not only the active ones). */
  private boolean isComplete(long window) {
    Set<Integer> known = new HashSet<>(heard.keySet());
    if (known.isEmpty()) {
      return false;
    }
    for (int partition : known) {
      if (meta.getPartitionLastWindowMsOrDefault(partition, Long.MIN_VALUE) < window) {
        return false;
      }
    }
    return true;
  }

  private void publish(long window, boolean complete) {
    List<EdgeStats> edges = new ArrayList<>();
    List<NodeStats> nodes = new ArrayList<>();
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.range(prefix(window), prefix(window + 1))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        if (windowOf(entry.key) != window) {
          continue;
        }
        keys.add(entry.key);
        byte type = entry.key.get()[Long.BYTES];
        if (type == EDGE) {
          edges.add(parse(entry.value, EdgeStats.parser()));
        } else if (type == NODE) {
          nodes.add(parse(entry.value, NodeStats.parser()));
        }
      }
    }
    for (Bytes key : keys) {
      store.delete(key);
    }
    pending.remove(window);
    long end = window + windowMs;
    for (EdgeStats edge : edges) {
      GraphRecord record =
          GraphRecord.newBuilder()
              .setWindowStartMs(window)
              .setWindowEndMs(end)
              .setEdge(edge)
              .build();
      context.forward(
          new Record<Bytes, Published>(
              GraphKeys.edge(window, edge), new Published.Part(record), end));
    }
    for (NodeStats node : nodes) {
      GraphRecord record =
          GraphRecord.newBuilder()
              .setWindowStartMs(window)
              .setWindowEndMs(end)
              .setNode(node)
              .build();
      context.forward(
          new Record<Bytes, Published>(
              GraphKeys.node(window, node), new Published.Part(record), end));
    }
    meta.setLastPublishedStartMs(window).setPublishedAny(true);
    store.put(META, meta.build().toByteArray());
    metrics.windowPublished();
    GraphWindow whole = new GraphWindow(window, end, edges, nodes, complete);
    listener.accept(whole);
    context.forward(
        new Record<Bytes, Published>(GraphKeys.prefix(window), new Published.Whole(whole), end));
  }

  private static Bytes key(long window, byte type, String id) {
    return GraphKeys.key(window, type, id);
  }

  private static Bytes prefix(long window) {
    return GraphKeys.prefix(window);
  }

  private static long windowOf(Bytes key) {
    return GraphKeys.windowOf(key);
  }

  private static <T> T parse(byte[] bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt graph-merge entry", e);
    }
  }
}
