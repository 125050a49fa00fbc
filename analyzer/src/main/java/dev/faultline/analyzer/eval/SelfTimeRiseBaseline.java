package dev.faultline.analyzer.eval;

import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.schemas.proto.NodeStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline to beat: rank services by how much their p90 self time rose from before a time to
 * the minute after it. Simple and blind to propagation: it sees only where time is spent.
 */
public final class SelfTimeRiseBaseline {
  private SelfTimeRiseBaseline() {}

  /**
   * Services by p90 self-time ratio (after / before), highest first.
   *
   * @param windows published windows
   * @param atMs the split time
   * @param afterMs how long after it to look
   */
  public static List<String> rank(List<GraphWindow> windows, long atMs, long afterMs) {
    Map<String, LatencySketch> before = new HashMap<>();
    Map<String, LatencySketch> after = new HashMap<>();
    for (GraphWindow window : windows) {
      Map<String, LatencySketch> side;
      if (window.endMs() <= atMs) {
        side = before;
      } else if (window.startMs() >= atMs && window.endMs() <= atMs + afterMs) {
        side = after;
      } else {
        continue;
      }
      for (NodeStats node : window.nodes()) {
        side.computeIfAbsent(node.getService(), s -> new LatencySketch())
            .merge(LatencySketch.of(node.getSelfTimeUs()));
      }
    }
    Map<String, Double> rise = new HashMap<>();
    for (Map.Entry<String, LatencySketch> entry : after.entrySet()) {
      LatencySketch was = before.get(entry.getKey());
      double now = entry.getValue().quantile(0.9);
      double then = was == null || was.count() == 0 ? Double.NaN : was.quantile(0.9);
      if (!Double.isNaN(now) && !Double.isNaN(then)) {
        rise.put(entry.getKey(), (now + 1) / (then + 1));
      }
    }
    List<String> ranked = new ArrayList<>(rise.keySet());
    ranked.sort(Comparator.comparingDouble((String s) -> -rise.get(s)).thenComparing(s -> s));
    return ranked;
  }
}
