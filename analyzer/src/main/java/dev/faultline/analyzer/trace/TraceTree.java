package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.Span;
import java.util.ArrayList;
import java.util.Comparator;
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
      Span span,
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
  public record Segment(Span span, long startNanos, long endNanos) {}

  /** Builds the tree of a trace. */
  public static TraceTree of(TraceModel trace) {
    List<Node> roots = new ArrayList<>();
    for (int i = 0; i < trace.size(); i++) {
      int parent = trace.parent(i);
      if (parent == TraceModel.ROOT || parent == TraceModel.ABSENT) {
        roots.add(build(trace, i, 0, 0));
      }
    }
    roots.sort(Comparator.comparingLong(Node::startNanos));
    Node longest =
        roots.stream()
            .max(Comparator.comparingLong(n -> n.endNanos() - n.startNanos()))
            .orElse(null);
    List<Segment> path = new ArrayList<>();
    if (longest != null) {
      critical(longest, longest.endNanos(), path);
      path.sort(Comparator.comparingLong(Segment::startNanos));
    }
    return new TraceTree(trace.traceId(), roots, path);
  }

  private static Node build(TraceModel trace, int index, long skew, int depth) {
    Span span = trace.span(index);
    long start = span.getStartUnixNano() + skew;
    long end = span.getEndUnixNano() + skew;
    List<Node> children = new ArrayList<>();
    if (depth < trace.size()) {
      for (int child : trace.children(index)) {
        Span c = trace.span(child);
        long childSkew = skew;
        boolean otherHost = !c.getService().equals(span.getService());
        long childStart = c.getStartUnixNano() + skew;
        long childEnd = c.getEndUnixNano() + skew;
        if (otherHost && (childStart < start || childEnd > end)) {
          long duration = childEnd - childStart;
          long target = duration <= end - start ? start + (end - start - duration) / 2 : start;
          childSkew = skew + (target - childStart);
        }
        children.add(build(trace, child, childSkew, depth + 1));
      }
    }
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
  private static void critical(Node node, long until, List<Segment> out) {
    long cursor = Math.min(until, node.endNanos());
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
      critical(last, lastEnd, out);
      cursor = Math.max(node.startNanos(), last.startNanos());
      children.remove(last);
    }
    if (cursor > node.startNanos()) {
      out.add(new Segment(node.span(), node.startNanos(), cursor));
    }
  }
}
