package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.testing.TopologyHarness;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production topology on TopologyTestDriver: OTLP in, merged graph windows out. */
class AnalyzerTopologyTest {
  private static final long T0_MS = T0 / 1_000_000L;

  private final AnalyzerConfig config =
      new AnalyzerConfig(
          Map.of(
              AnalyzerConfig.WINDOW_SIZE_MS, 1_000L,
              AnalyzerConfig.WINDOW_GRACE_MS, 0L,
              AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L,
              // The driver's wall clock stands still: nothing is waited for at the start.
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 0L,
              AnalyzerConfig.WATERMARK_IDLE_MS, 0L));
  private final List<GraphWindow> published = new ArrayList<>();
  private TopologyHarness topology;

  @BeforeEach
  void start() {
    topology =
        new TopologyHarness(
            config,
            "analyzer-topology-test",
            new SimpleMeterRegistry(),
            AnalyzerTopology.Hooks.none().withWindowListener(published::add));
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private void send(long atMs, List<Span> spans) {
    topology.send(atMs, spans);
  }

  private static List<Span> cartRequest(long trace, double startMs) {
    return SpanFixtures.cartRequest(trace, startMs);
  }

  @Test
  void spansBecomeAMergedGraphWindowWithEdgesAndNodes() {
    for (int i = 0; i < 5; i++) {
      send(T0_MS + 200 + i * 100, cartRequest(i + 1, 100 + i * 100));
    }
    // Later traffic moves stream time past the first window's end.
    send(T0_MS + 5_000, cartRequest(99, 4_900));

    List<GraphRecord> records = topology.graphRecords();
    assertThat(records).isNotEmpty();
    GraphRecord edge =
        records.stream()
            .filter(r -> r.hasEdge() && r.getEdge().getCallee().getName().equals("cart"))
            .findFirst()
            .orElseThrow();
    assertThat(edge.getEdge().getCalls()).isEqualTo(5);
    assertThat(edge.getEdge().getCallerOperation()).isEqualTo("GET /cart");
    assertThat(edge.getWindowStartMs()).isEqualTo(T0_MS);
    assertThat(records)
        .filteredOn(
            r ->
                r.hasNode()
                    && r.getNode().getService().equals("cart")
                    && r.getWindowStartMs() == T0_MS)
        .singleElement()
        .satisfies(r -> assertThat(r.getNode().getVisits()).isEqualTo(5));
    assertThat(published).isNotEmpty();
    assertThat(published.get(0).complete()).isTrue();

    KeyValueStore<Bytes, byte[]> history =
        topology.driver().getKeyValueStore(AnalyzerTopology.GRAPH_STORE);
    assertThat(history.approximateNumEntries()).isGreaterThanOrEqualTo(records.size());
  }

  @Test
  void aTraceIsKeptInTheTraceStoreForQueries() {
    send(T0_MS + 200, cartRequest(7, 100));

    assertThat(topology.storedTrace(SpanFixtures.traceId(7)))
        .hasValueSatisfying(loaded -> assertThat(loaded.model().size()).isEqualTo(3));
  }
}
