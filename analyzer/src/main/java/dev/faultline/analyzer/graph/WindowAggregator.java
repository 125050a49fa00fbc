package dev.faultline.analyzer.graph;

import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Visit;
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
 */
public final class WindowAggregator {
  /** Most empty windows reported by one {@link #advance}, so a jump in time cannot flood. */
  static final int MAX_EMPTY_WINDOWS = 100;

  private final long windowMs;
  private final long graceMs;
  private final TreeMap<Long, Window> open = new TreeMap<>();
  private long closedUpTo = Long.MIN_VALUE;

  public WindowAggregator(long windowMs, long graceMs) {
    if (windowMs < 1 || graceMs < 0) {
      throw new IllegalArgumentException("window must be positive and grace not negative");
    }
    this.windowMs = windowMs;
    this.graceMs = graceMs;
  }

  /** One closed window: its statistics and how many records arrived late into it. */
  public record Closed(
      long startMs,
      long endMs,
      List<EdgeAccumulator> edges,
      List<NodeAccumulator> nodes,
      long lateRecords) {}

  public void add(Call call, long streamTimeMs) {
    Window window = windowFor(call.timeMs(), streamTimeMs);
    window.edges.computeIfAbsent(EdgeKey.of(call), EdgeAccumulator::new).add(call);
  }

  public void add(Visit visit, long streamTimeMs) {
    Window window = windowFor(visit.timeMs(), streamTimeMs);
    window
        .nodes
        .computeIfAbsent(new OperationKey(visit.service(), visit.operation()), NodeAccumulator::new)
        .add(visit);
  }

  private Window windowFor(long timeMs, long streamTimeMs) {
    long start = Math.floorDiv(timeMs, windowMs) * windowMs;
    if (start < closedUpTo) {
      // Late: into the oldest window still open (or the current one).
      long current = Math.floorDiv(streamTimeMs, windowMs) * windowMs;
      long target = open.isEmpty() ? Math.max(current, closedUpTo) : open.firstKey();
      Window window = open.computeIfAbsent(target, Window::new);
      window.late++;
      return window;
    }
    return open.computeIfAbsent(start, Window::new);
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
      if (window != null) {
        out.add(
            new Closed(
                next,
                next + windowMs,
                new ArrayList<>(window.edges.values()),
                new ArrayList<>(window.nodes.values()),
                window.late));
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
    return out;
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
    final Map<EdgeKey, EdgeAccumulator> edges = new HashMap<>();
    final Map<OperationKey, NodeAccumulator> nodes = new HashMap<>();
    long late;

    Window(long start) {
      this.start = start;
    }
  }
}
