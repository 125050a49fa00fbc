package dev.faultline.analyzer.trace;

import dev.faultline.schemas.span.SpanRecord;
import java.util.ArrayList;
import java.util.List;

/** Exclusive time: how much of a span (or of a service's handling of a request) was its own. */
public final class SelfTime {
  private SelfTime() {}

  /**
   * Time the service spent itself on the request that entered it at {@code root}: the root's
   * duration minus the union of the service's outgoing calls under it (client, producer and
   * database spans, and spans with a child in another service). Only spans of the same service
   * enter, so clock differences between hosts cannot distort it. In microseconds.
   */
  public static long ofService(TraceModel trace, int root) {
    SpanRecord rootSpan = trace.span(root);
    long start = rootSpan.getStartUnixNano();
    long end = rootSpan.getEndUnixNano();
    List<Integer> children = trace.children(root);
    if (children.isEmpty()) {
      return Math.max(0, end - start) / 1_000L;
    }
    List<long[]> outgoing = new ArrayList<>();
    List<Integer> stack = new ArrayList<>(children);
    int guard = 0;
    while (!stack.isEmpty() && guard++ <= trace.size()) {
      int index = stack.remove(stack.size() - 1);
      SpanRecord span = trace.span(index);
      if (Pairing.isCall(trace.span(trace.parent(index)), span)) {
        continue; // another service's work
      }
      if (makesCall(trace, index)) {
        outgoing.add(new long[] {span.getStartUnixNano(), span.getEndUnixNano()});
      } else {
        stack.addAll(trace.children(index));
      }
    }
    return Math.max(0, (end - start) - covered(outgoing, start, end)) / 1_000L;
  }

  private static boolean makesCall(TraceModel trace, int index) {
    SpanRecord span = trace.span(index);
    if (Spans.isClientKind(span) || Spans.isProducer(span) || Spans.isDatabase(span)) {
      return true;
    }
    for (int child : trace.children(index)) {
      if (Pairing.isCall(span, trace.span(child))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Exclusive time of one span: its duration minus the union of its children's intervals, each
   * clipped to the span. In nanoseconds.
   */
  public static long ofSpan(SpanRecord span, List<long[]> childIntervals) {
    long start = span.getStartUnixNano();
    long end = span.getEndUnixNano();
    return Math.max(0, (end - start) - covered(childIntervals, start, end));
  }

  /** Length of the union of {@code intervals} within [start, end]. */
  static long covered(List<long[]> intervals, long start, long end) {
    List<long[]> clipped = new ArrayList<>(intervals.size());
    for (long[] interval : intervals) {
      long s = Math.max(start, interval[0]);
      long e = Math.min(end, interval[1]);
      if (e > s) {
        clipped.add(new long[] {s, e});
      }
    }
    clipped.sort((a, b) -> Long.compare(a[0], b[0]));
    long total = 0;
    long currentStart = Long.MIN_VALUE;
    long currentEnd = Long.MIN_VALUE;
    for (long[] interval : clipped) {
      if (interval[0] > currentEnd) {
        if (currentEnd > currentStart) {
          total += currentEnd - currentStart;
        }
        currentStart = interval[0];
        currentEnd = interval[1];
      } else {
        currentEnd = Math.max(currentEnd, interval[1]);
      }
    }
    if (currentEnd > currentStart) {
      total += currentEnd - currentStart;
    }
    return total;
  }
}
