package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.testing.TopologyHarness;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.NodeType;
import dev.faultline.schemas.proto.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With input keyed by trace id, trace assembly and the windows run in the input's task, whose
 * stream time Kafka Streams takes from the input records' timestamps: the time the collector
 * produced them, which runs ahead of the spans' own time by the export delay (an SDK's batch delay
 * alone is 5 s by default). Pairing and windows must still go by the spans' event time, as they do
 * when the batches come through the spans topic.
 */
class KeyedInputEventTimeTest {
  private static final long T0_MS = T0 / 1_000_000L;

  /** How far the records' timestamps run ahead of their spans: more than the pairing timeout. */
  private static final long EXPORT_DELAY_MS = 8_000;

  private TopologyHarness topology;

  @AfterEach
  void stop() {
    if (topology != null) {
      topology.close();
    }
  }

  private void start(boolean keyed) {
    topology =
        new TopologyHarness(
            new AnalyzerConfig(
                Map.of(
                    AnalyzerConfig.WINDOW_SIZE_MS, 1_000L,
                    AnalyzerConfig.WINDOW_GRACE_MS, 500L,
                    AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L,
                    AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 1_000L,
                    IngestConfig.INPUT_KEYED_BY_TRACE, keyed,
                    // One task here: the graph stage waits for no others at its first start.
                    IngestConfig.TOPIC_PARTITIONS, 1)),
            "keyed-event-time-test",
            new SimpleMeterRegistry(),
            AnalyzerTopology.Hooks.none());
  }

  @Test
  void keyedInputPairsAndWindowsByEventTimeLikeTheSpansTopic() {
    List<GraphRecord> keyed = run(true);
    List<GraphRecord> unkeyed = run(false);
    assertThat(edges(keyed)).isEqualTo(edges(unkeyed));
    assertThat(edges(keyed))
        .contains("web-gateway GET /cart -> service:cart CartService/GetCart x20")
        .noneMatch(edge -> edge.contains("virtual:"));
    // Each request counts in the window of its start (windows of 1 s, requests 1 s apart), not in
    // whichever window was open when its record came.
    assertThat(keyed)
        .filteredOn(r -> r.hasEdge() && r.getEdge().getCallee().getName().equals("cart"))
        .hasSize(20)
        .allSatisfy(r -> assertThat(r.getEdge().getCalls()).isEqualTo(1));
  }

  /**
   * Twenty requests a second apart; each one's gateway spans are exported in one record, the cart's
   * server span in the next second's record, and every record is stamped {@link #EXPORT_DELAY_MS}
   * after its spans ended.
   */
  private List<GraphRecord> run(boolean keyed) {
    start(keyed);
    Span pendingServer = null;
    for (int i = 0; i < 20; i++) {
      double startMs = i * 1_000.0;
      long trace = 100 + i;
      Span entry =
          SpanFixtures.server(1, 0, "web-gateway", "GET /cart", startMs, startMs + 100)
              .setTraceId(SpanFixtures.traceId(trace))
              .build();
      Span client =
          SpanFixtures.client(
                  2, 1, "web-gateway", "CartService/GetCart", startMs + 10, startMs + 90)
              .setTraceId(SpanFixtures.traceId(trace))
              .putAttributes("peer.service", "cart")
              .build();
      Span server =
          SpanFixtures.server(3, 2, "cart", "CartService/GetCart", startMs + 20, startMs + 80)
              .setTraceId(SpanFixtures.traceId(trace))
              .build();
      long stamped = T0_MS + (long) startMs + 100 + EXPORT_DELAY_MS;
      if (pendingServer != null) {
        topology.send(stamped, List.of(pendingServer));
      }
      topology.send(stamped, List.of(entry, client));
      pendingServer = server;
    }
    topology.send(T0_MS + 20_100 + EXPORT_DELAY_MS, List.of(pendingServer));
    // Idle traffic of another service moves time on until every window has closed.
    for (int i = 0; i < 10; i++) {
      double startMs = 21_000.0 + i * 1_000;
      topology.send(
          T0_MS + (long) startMs + 100 + EXPORT_DELAY_MS,
          List.of(
              SpanFixtures.server(1, 0, "clock", "tick", startMs, startMs + 100)
                  .setTraceId(SpanFixtures.traceId(1_000 + i))
                  .build()));
    }
    List<GraphRecord> records = topology.graphRecords();
    topology.close();
    topology = null;
    return records;
  }

  /** Edges out of the gateway summed over all windows, as text. */
  private static List<String> edges(List<GraphRecord> records) {
    Map<String, Long> calls = new java.util.TreeMap<>();
    for (GraphRecord record : records) {
      if (record.hasEdge() && record.getEdge().getCaller().getName().equals("web-gateway")) {
        var edge = record.getEdge();
        String callee =
            (edge.getCallee().getType() == NodeType.NODE_TYPE_SERVICE ? "service:" : "virtual:")
                + edge.getCallee().getName();
        calls.merge(
            "web-gateway "
                + edge.getCallerOperation()
                + " -> "
                + callee
                + " "
                + edge.getCalleeOperation(),
            edge.getCalls(),
            Long::sum);
      }
    }
    List<String> out = new ArrayList<>();
    calls.forEach((edge, count) -> out.add(edge + " x" + count));
    return out;
  }
}
