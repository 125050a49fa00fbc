package dev.faultline.analyzer.graph;

import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import java.util.List;

/**
 * The merged statistics of every edge and node operation in one window: what the graph stage
 * publishes and the detectors read.
 *
 * @param startMs window start, event time
 * @param endMs window end
 * @param edges one per edge with calls in the window
 * @param nodes one per service operation with visits in the window
 * @param complete every task reported its part (else the finalize timeout published it)
 */
public record GraphWindow(
    long startMs, long endMs, List<EdgeStats> edges, List<NodeStats> nodes, boolean complete) {
  public GraphWindow {
    edges = List.copyOf(edges);
    nodes = List.copyOf(nodes);
  }
}
