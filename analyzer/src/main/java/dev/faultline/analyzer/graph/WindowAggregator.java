package dev.faultline.analyzer.graph;

import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tumbling event-time windows of edge and node statistics, closed as stream time passes their end
 * plus the grace period. A call or visit for a window already closed is not dropped: it counts in
 * the oldest open window and as late, so nothing is lost and a slow exporter only blurs timing. Not
 * thread-safe; one per task.
 *
 * <p>The open windows can be saved and restored: {@link #drainChanges} hands out what changed since
 * its last call (so a caller saving at every commit writes each changed edge or node once per
 * commit, not once per record), and the {@code restore} methods rebuild the windows from what was
 * saved.
 */
public final class WindowAggregator {
  /** Most empty windows reported by one {@link #advance}, so a jump in time cannot flood. */
  static final int MAX_EMPTY_WINDOWS = 100;

  private final long windowMs;
  private final long graceMs;
  private final CardinalityLimit limit;
  private final TreeMap<Long, Window> open = new TreeMap<>();

  /** The window {@link #windowFor} found last (open), or {@code null}; saves a boxed lookup. */
  private Window lastWindow;

  private long closedUpTo = Long.MIN_VALUE;
  private boolean closedUpToChanged;

  public WindowAggregator(long windowMs, long graceMs) {
    this(windowMs, graceMs, CardinalityLimit.none());
  }

  /**
   * @param limit the bounds on distinct nodes, operations and edges of each window
   */
  public WindowAggregator(long windowMs, long graceMs, CardinalityLimit limit) {
    if (windowMs < 1 || graceMs < 0) {
      throw new IllegalArgumentException("window must be positive and grace not negative");
    }
    this.windowMs = windowMs;
    this.graceMs = graceMs;
    this.limit = java.util.Objects.requireNonNull(limit, "limit");
  }

  /**
   * One closed window: its statistics, how many records arrived late into it, and what its
   * cardinality limit folded or dropped.
   */
  public record Closed(
      long startMs,
      long endMs,
      List<EdgeAccumulator> edges,
      List<NodeAccumulator> nodes,
      long lateRecords,
      CardinalityLimit.Overflow overflow) {
    public Closed(
        long startMs,
        long endMs,
        List<EdgeAccumulator> edges,
        List<NodeAccumulator> nodes,
        long lateRecords) {
      this(startMs, endMs, edges, nodes, lateRecords, new CardinalityLimit.Overflow());
    }
  }

  public void add(Call call, long streamTimeMs) {
    Window window = windowFor(call.timeMs(), streamTimeMs);
    EdgeAccumulator known = window.edges.get(EdgeKey.of(call));
    if (known != null) {
      known.add(call); // the usual case: its names were admitted with its first call
      changed(window, known);
      return;
    }
    CardinalityLimit bound = window.limit;
    NodeKey caller = bound.node(call.caller());
    NodeKey callee = bound.node(call.callee());
    EdgeKey key =
        new EdgeKey(
            caller,
            bound.operation(caller, call.callerOperation()),
            callee,
            bound.operation(callee, call.calleeOperation()),
            call.kind());
    key = bound.edge(key, window.edges);
    if (key != null) {
      EdgeAccumulator edge = window.edges.computeIfAbsent(key, EdgeAccumulator::new);
      edge.add(call);
      changed(window, edge);
    }
  }

  private static void changed(Window window, EdgeAccumulator edge) {
    if (!edge.changed) {
      edge.changed = true;
      window.changedEdges.add(edge);
    }
  }

  private static void changed(Window window, NodeAccumulator node) {
    if (!node.changed) {
      node.changed = true;
      window.changedNodes.add(node);
    }
  }

  public void add(Visit visit, long streamTimeMs) {
    Window window = windowFor(visit.timeMs(), streamTimeMs);
    NodeAccumulator known = window.nodes.get(new OperationKey(visit.service(), visit.operation()));
    if (known != null) {
      known.add(visit);
      changed(window, known);
      return;
    }
    CardinalityLimit bound = window.limit;
    NodeKey node = bound.node(NodeKey.service(visit.service()));
    OperationKey key = new OperationKey(node.name(), bound.operation(node, visit.operation()));
    NodeAccumulator accumulator = window.nodes.computeIfAbsent(key, NodeAccumulator::new);
    accumulator.add(visit);
    changed(window, accumulator);
  }

  private Window windowFor(long timeMs, long streamTimeMs) {
    long start = Math.floorDiv(timeMs, windowMs) * windowMs;
    if (start < closedUpTo) {
      // Late: into the oldest window still open (or the current one).
      long current =
          streamTimeMs == Long.MIN_VALUE
              ? closedUpTo
              : Math.floorDiv(streamTimeMs, windowMs) * windowMs;
      long target = open.isEmpty() ? Math.max(current, closedUpTo) : open.firstKey();
      Window window = open.computeIfAbsent(target, this::newWindow);
      window.late++;
      window.lateChanged = true;
      return window;
    }
    Window last = lastWindow;
    if (last != null && last.start == start) {
      return last; // the usual case: calls of one batch fall in one window
    }
    Window window = open.computeIfAbsent(start, this::newWindow);
    lastWindow = window;
    return window;
  }

  private Window newWindow(long start) {
    return new Window(start, limit.fresh());
  }

  /**
   * Closes, in order, every window whose end plus grace is at or before {@code streamTimeMs},
   * including windows without data after the first one seen (their silence is information too).
   * After a jump of stream time, at most {@link #MAX_EMPTY_WINDOWS} empty windows are reported.
   */
  public List<Closed> advance(long streamTimeMs) {
    List<Closed> out = new ArrayList<>();
    long limit = Math.floorDiv(streamTimeMs - graceMs, windowMs) * windowMs;
    long next = closedUpTo;
    if (next == Long.MIN_VALUE) {
      if (open.isEmpty()) {
        return out;
      }
      next = open.firstKey();
    }
    int empty = 0;
    while (next + windowMs <= limit) {
      Window window = open.remove(next);
      lastWindow = null;
      if (window != null) {
        out.add(
            new Closed(
                next,
                next + windowMs,
                new ArrayList<>(window.edges.values()),
                new ArrayList<>(window.nodes.values()),
                window.late,
                window.limit.overflow()));
      } else if (empty++ < MAX_EMPTY_WINDOWS) {
        out.add(new Closed(next, next + windowMs, List.of(), List.of(), 0));
      } else {
        // Skip the rest of the silence: to the next window with data, or to the limit.
        Long nextData = open.ceilingKey(next);
        next = nextData != null && nextData + windowMs <= limit ? nextData : limit;
        closedUpTo = next;
        continue;
      }
      next += windowMs;
      closedUpTo = next;
    }
    if (!out.isEmpty()) {
      closedUpToChanged = true;
    }
    return out;
  }

  /** Where {@link #drainChanges} puts what changed. */
  public interface Changes {
    void edge(long windowStartMs, EdgeStats edge);

    void node(long windowStartMs, NodeStats node);

    void lateRecords(long windowStartMs, long lateRecords);

    void closedUpTo(long windowStartMs);
  }

  /**
   * Hands out every edge and node of an open window that changed since the last call, the late
   * counts that changed, and how far windows were closed if that moved.
   */
  public void drainChanges(Changes changes) {
    for (Window window : open.values()) {
      for (EdgeAccumulator edge : window.changedEdges) {
        edge.changed = false;
        changes.edge(window.start, edge.toStats());
      }
      window.changedEdges.clear();
      for (NodeAccumulator node : window.changedNodes) {
        node.changed = false;
        changes.node(window.start, node.toStats());
      }
      window.changedNodes.clear();
      if (window.lateChanged) {
        window.lateChanged = false;
        changes.lateRecords(window.start, window.late);
      }
    }
    if (closedUpToChanged) {
      closedUpToChanged = false;
      changes.closedUpTo(closedUpTo);
    }
  }

  /** Restores an edge of an open window as {@link #drainChanges} handed it out. */
  public void restoreEdge(long windowStartMs, EdgeStats stats) {
    Window window = open.computeIfAbsent(windowStartMs, this::newWindow);
    EdgeKey key = EdgeKey.of(stats);
    admit(window.limit, key.caller(), key.callerOperation());
    admit(window.limit, key.callee(), key.calleeOperation());
    EdgeAccumulator edge = new EdgeAccumulator(key);
    edge.merge(stats);
    window.edges.put(key, edge);
  }

  /** Restores a node of an open window as {@link #drainChanges} handed it out. */
  public void restoreNode(long windowStartMs, NodeStats stats) {
    Window window = open.computeIfAbsent(windowStartMs, this::newWindow);
    OperationKey key = new OperationKey(stats.getService(), stats.getOperation());
    admit(window.limit, NodeKey.service(key.service()), key.operation());
    NodeAccumulator node = new NodeAccumulator(key);
    node.merge(stats);
    window.nodes.put(key, node);
  }

  /** Restores an open window's count of late records. */
  public void restoreLateRecords(long windowStartMs, long lateRecords) {
    open.computeIfAbsent(windowStartMs, this::newWindow).late = lateRecords;
  }

  /** Restores how far windows were closed. */
  public void restoreClosedUpTo(long windowStartMs) {
    closedUpTo = windowStartMs;
  }

  /** Names that were admitted before the save count against the bounds again. */
  private static void admit(CardinalityLimit limit, NodeKey node, String operation) {
    if (!node.name().equals(CardinalityLimit.OTHER)) {
      limit.node(node);
    }
    limit.operation(node, operation);
  }

  public long windowMs() {
    return windowMs;
  }

  /** Windows open now (for tests and metrics). */
  public int openWindows() {
    return open.size();
  }

  private static final class Window {
    final long start;
    final CardinalityLimit limit;
    final Map<EdgeKey, EdgeAccumulator> edges = new HashMap<>();
    final Map<OperationKey, NodeAccumulator> nodes = new HashMap<>();
    final List<EdgeAccumulator> changedEdges = new ArrayList<>();
    final List<NodeAccumulator> changedNodes = new ArrayList<>();
    long late;
    boolean lateChanged;

    Window(long start, CardinalityLimit limit) {
      this.start = start;
      this.limit = limit;
    }
  }
}
