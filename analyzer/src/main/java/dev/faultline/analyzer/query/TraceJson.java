package dev.faultline.analyzer.query;

import dev.faultline.analyzer.trace.TraceTree;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.span.SpanRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The JSON of {@code GET /api/v1/traces/{traceId}}: the call tree, self times, critical path. */
final class TraceJson {
  private TraceJson() {}

  static Map<String, Object> of(TraceTree tree, boolean complete) {
    Map<String, Long> critical = new HashMap<>();
    for (TraceTree.Segment segment : tree.criticalPath()) {
      critical.merge(
          Ids.toHex(segment.span().getSpanId()) + segment.span().getService(),
          segment.endNanos() - segment.startNanos(),
          Long::sum);
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (TraceTree.Node root : tree.roots()) {
      start = Math.min(start, root.startNanos());
      end = Math.max(end, root.endNanos());
    }
    List<Object> spans = new ArrayList<>();
    Set<String> services = new LinkedHashSet<>();
    // Depth first, parents before children, without recursion: a chain can be 10,000 deep.
    java.util.Deque<TraceTree.Node> stack = new java.util.ArrayDeque<>();
    java.util.Deque<Integer> depths = new java.util.ArrayDeque<>();
    for (int r = tree.roots().size() - 1; r >= 0; r--) {
      stack.push(tree.roots().get(r));
      depths.push(0);
    }
    while (!stack.isEmpty()) {
      TraceTree.Node node = stack.pop();
      int depth = depths.pop();
      add(node, depth, critical, spans, services);
      for (int c = node.children().size() - 1; c >= 0; c--) {
        stack.push(node.children().get(c));
        depths.push(depth + 1);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("traceId", Ids.toHex(tree.traceId()));
    out.put("complete", complete);
    out.put("start", tree.roots().isEmpty() ? null : Instant.ofEpochSecond(0, start).toString());
    out.put("durationMs", tree.roots().isEmpty() ? 0 : ms(end - start));
    out.put("services", List.copyOf(services));
    out.put("spanCount", spans.size());
    out.put("spans", spans);
    List<Object> path = new ArrayList<>();
    for (TraceTree.Segment segment : tree.criticalPath()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("spanId", Ids.toHex(segment.span().getSpanId()));
      s.put("service", segment.span().getService());
      s.put("name", segment.span().getName());
      s.put("offsetMs", ms(segment.startNanos() - start));
      s.put("durationMs", ms(segment.endNanos() - segment.startNanos()));
      path.add(s);
    }
    out.put("criticalPath", path);
    return out;
  }

  private static void add(
      TraceTree.Node node,
      int depth,
      Map<String, Long> critical,
      List<Object> out,
      Set<String> services) {
    SpanRecord span = node.span();
    services.add(span.getService());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("spanId", Ids.toHex(span.getSpanId()));
    s.put(
        "parentSpanId",
        span.getParentSpanId().isEmpty() ? null : Ids.toHex(span.getParentSpanId()));
    s.put("depth", depth);
    s.put("service", span.getService());
    s.put("instance", span.getServiceInstance());
    s.put("name", span.getName());
    s.put("kind", span.getKind().name().replace("SPAN_KIND_", "").toLowerCase(Locale.ROOT));
    s.put("start", Instant.ofEpochSecond(0, node.startNanos()).toString());
    s.put("durationMs", ms(node.endNanos() - node.startNanos()));
    s.put("selfTimeMs", ms(node.selfTimeNanos()));
    s.put("skewAdjustedMs", ms(node.skewNanos()));
    s.put(
        "status", span.getStatusCode().name().replace("STATUS_CODE_", "").toLowerCase(Locale.ROOT));
    s.put("statusMessage", span.getStatusMessage());
    Long onPath = critical.get(Ids.toHex(span.getSpanId()) + span.getService());
    s.put("criticalPathMs", onPath == null ? 0 : ms(onPath));
    s.put("attributes", new java.util.TreeMap<>(span.getAttributesMap()));
    out.add(s);
  }

  private static double ms(long nanos) {
    return Figures.round(nanos / 1_000_000.0);
  }
}
