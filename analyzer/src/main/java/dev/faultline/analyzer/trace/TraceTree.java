package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.span.SpanRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * The call tree of one trace, with each span's self time and the trace's critical path: the chain
 * of spans that determined its end-to-end latency (the critical-path view of Jaeger, and of Uber's
 * CRISP).
 *
 * <p>Spans of another service whose times fall outside their parent's (another host's clock) are
 * shifted, with their same-service descendants, to sit centred in the parent, as Jaeger's clock
 * skew adjuster does; {@link Node#skewNanos} says by how much. Durations never change.
 *
 * @param traceId the trace
 * @param roots spans without parent, and spans whose parent never arrived
 * @param criticalPath the critical path of the longest root, in time order
 */
public record TraceTree(ByteString traceId, List<Node> roots, List<Segment> criticalPath) {
  public TraceTree {
    requireNonNull(traceId, "traceId");
    roots = List.copyOf(roots);
    criticalPath = List.copyOf(criticalPath);
  }

  /**
   * A span in the tree.
   *
   * @param span the span record
   * @param startNanos start after skew adjustment
   * @param endNanos end after skew adjustment
   * @param skewNanos how far the span was shifted
   * @param selfTimeNanos its duration minus the union of its children's
   * @param children its children, by start time
   */
  public record Node(
      SpanRecord span,
      long startNanos,
      long endNanos,
      long skewNanos,
      long selfTimeNanos,
      List<Node> children) {
    public Node {
      children = List.copyOf(children);
    }
  }

  /**
   * A stretch of the critical path spent in one span (not in its children).
   *
   * @param span the span
   * @param startNanos start of the stretch (adjusted time)
   * @param endNanos end of the stretch
   */
  public record Segment(SpanRecord span, long startNanos, long endNanos) {}

  /**
   * Builds the tree of a trace. The walks are iterative: a trace may hold a chain as deep as the
   * span limit, which recursion would take off the end of a thread's stack. Spans caught in a
   * parent loop (no root above them) become roots, so that every span shows.
   */
  public static TraceTree of(TraceModel trace) {
    int size = trace.size();
    long[] skews = new long[size];
    boolean[] placed = new boolean[size];
    List<Integer> order = new ArrayList<>(size); // parents before their children
    List<List<Integer>> children = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      children.add(List.of());
    }
    List<Integer> rootIndexes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int parent = trace.parent(i);
      if (parent == TraceModel.ROOT || parent == TraceModel.ABSENT) {
        rootIndexes.add(i);
        place(trace, i, skews, placed, order, children);
      }
    }
    for (int i = 0; i < size; i++) {
      if (!placed[i]) {
        rootIndexes.add(i); // in a parent loop
        place(trace, i, skews, placed, order, children);
      }
    }
    Node[] nodes = new Node[size];
    for (int k = order.size() - 1; k >= 0; k--) {
      int index = order.get(k);
      List<Node> kids = new ArrayList<>(children.get(index).size());
      for (int child : children.get(index)) {
        kids.add(nodes[child]);
      }
      nodes[index] = node(trace.span(index), skews[index], kids);
    }
    List<Node> roots = new ArrayList<>(rootIndexes.size());
    for (int index : rootIndexes) {
      roots.add(nodes[index]);
    }
    roots.sort(Comparator.comparingLong(Node::startNanos));
    Node longest =
        roots.stream()
            .max(Comparator.comparingLong(n -> n.endNanos() - n.startNanos()))
            .orElse(null);
    List<Segment> path = new ArrayList<>();
    if (longest != null) {
      critical(longest, path);
      path.sort(Comparator.comparingLong(Segment::startNanos));
    }
    return new TraceTree(trace.traceId(), roots, path);
  }

  /**
   * Places the span at {@code root} and everything below it: each span's skew (a span of another
   * service outside its parent's times is shifted to sit centred in it), its children, and the
   * order parents-first.
   */
  private static void place(
      TraceModel trace,
      int root,
      long[] skews,
      boolean[] placed,
      List<Integer> order,
      List<List<Integer>> children) {
    Deque<Integer> stack = new ArrayDeque<>();
    skews[root] = 0;
    placed[root] = true;
    stack.push(root);
    while (!stack.isEmpty()) {
      int index = stack.pop();
      order.add(index);
      SpanRecord span = trace.span(index);
      long skew = skews[index];
      long start = span.getStartUnixNano() + skew;
      long end = span.getEndUnixNano() + skew;
      List<Integer> kids = new ArrayList<>();
      for (int child : trace.children(index)) {
        if (placed[child]) {
          continue;
        }
        SpanRecord c = trace.span(child);
        long childSkew = skew;
        boolean otherHost = !c.getService().equals(span.getService());
        long childStart = c.getStartUnixNano() + skew;
        long childEnd = c.getEndUnixNano() + skew;
        if (otherHost && (childStart < start || childEnd > end)) {
          long duration = childEnd - childStart;
          long target = duration <= end - start ? start + (end - start - duration) / 2 : start;
          childSkew = skew + (target - childStart);
        }
        skews[child] = childSkew;
        placed[child] = true;
        kids.add(child);
        stack.push(child);
      }
      children.set(index, kids);
    }
  }

  private static Node node(SpanRecord span, long skew, List<Node> children) {
    long start = span.getStartUnixNano() + skew;
    long end = span.getEndUnixNano() + skew;
    children.sort(Comparator.comparingLong(Node::startNanos));
    List<long[]> intervals = new ArrayList<>(children.size());
    for (Node child : children) {
      intervals.add(new long[] {child.startNanos(), child.endNanos()});
    }
    long self = Math.max(0, (end - start) - SelfTime.covered(intervals, start, end));
    return new Node(span, start, end, skew, self, children);
  }

  /**
   * Walks back from {@code until}: the child that finished last before the cursor is on the path
   * (recursively), the time after its end belongs to the parent itself, and the cursor moves to the
   * child's start. A child still running at the cursor did not hold it up and is skipped (as in
   * Jaeger's algorithm); a child running past its parent's end counts as ending with the parent.
   */
  private static void critical(Node root, List<Segment> out) {
    // Each child taken onto the path is walked in turn from its own end; the segments are sorted
    // by time afterwards, so the order of the walks does not matter and needs no recursion.
    Deque<Node> nodes = new ArrayDeque<>();
    Deque<Long> untils = new ArrayDeque<>();
    nodes.push(root);
    untils.push(root.endNanos());
    while (!nodes.isEmpty()) {
      Node node = nodes.pop();
      long cursor = Math.min(untils.pop(), node.endNanos());
      List<Node> children = new ArrayList<>(node.children());
      while (cursor > node.startNanos()) {
        Node last = null;
        long lastEnd = Long.MIN_VALUE;
        for (Node child : children) {
          long end = Math.min(child.endNanos(), node.endNanos());
          if (child.startNanos() < cursor && end <= cursor && end > lastEnd) {
            last = child;
            lastEnd = end;
          }
        }
        if (last == null) {
          break;
        }
        if (lastEnd < cursor) {
          out.add(new Segment(node.span(), lastEnd, cursor));
        }
        nodes.push(last);
        untils.push(lastEnd);
        cursor = Math.max(node.startNanos(), last.startNanos());
        children.remove(last);
      }
      if (cursor > node.startNanos()) {
        out.add(new Segment(node.span(), node.startNanos(), cursor));
      }
    }
  }
}
