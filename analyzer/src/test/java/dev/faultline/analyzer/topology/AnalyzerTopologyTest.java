package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.testing.Otlp;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.serde.Serdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
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
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 1_000L));
  private final List<GraphWindow> published = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<Bytes, GraphRecord> graph;

  @BeforeEach
  void start() {
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(
        builder,
        config,
        new AnalyzerMetrics(new SimpleMeterRegistry()),
        AnalyzerTopology.Hooks.none().withWindowListener(published::add));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analyzer-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(builder.build(), props);
    input =
        driver.createInputTopic(
            config.ingest().inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    graph =
        driver.createOutputTopic(
            config.graphTopic(), new BytesDeserializer(), Serdes.graphRecord().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(long atMs, List<Span> spans) {
    input.pipeInput(null, Otlp.request(spans).toByteArray(), Instant.ofEpochMilli(atMs));
  }

  private static List<Span> cartRequest(long trace, double startMs) {
    return List.of(
        SpanFixtures.server(1, 0, "frontend", "GET /cart", startMs, startMs + 100)
            .setTraceId(SpanFixtures.traceId(trace))
            .build(),
        SpanFixtures.client(2, 1, "frontend", "cart.Get", startMs + 10, startMs + 70)
            .setTraceId(SpanFixtures.traceId(trace))
            .build(),
        SpanFixtures.server(3, 2, "cart", "Get", startMs + 15, startMs + 65)
            .setTraceId(SpanFixtures.traceId(trace))
            .build());
  }

  @Test
  void spansBecomeAMergedGraphWindowWithEdgesAndNodes() {
    for (int i = 0; i < 5; i++) {
      send(T0_MS + 200 + i * 100, cartRequest(i + 1, 100 + i * 100));
    }
    // Later traffic moves stream time past the first window's end.
    send(T0_MS + 5_000, cartRequest(99, 4_900));

    List<GraphRecord> records = graph.readValuesToList();
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
        .filteredOn(r -> r.hasNode() && r.getNode().getService().equals("cart"))
        .singleElement()
        .satisfies(r -> assertThat(r.getNode().getVisits()).isEqualTo(5));
    assertThat(published).isNotEmpty();
    assertThat(published.get(0).complete()).isTrue();

    KeyValueStore<Bytes, byte[]> history = driver.getKeyValueStore(AnalyzerTopology.GRAPH_STORE);
    assertThat(history.approximateNumEntries()).isGreaterThanOrEqualTo(records.size());
  }

  @Test
  void aTraceIsKeptInTheTraceStoreForQueries() {
    send(T0_MS + 200, cartRequest(7, 100));

    KeyValueStore<Bytes, byte[]> traces = driver.getKeyValueStore(AnalyzerTopology.TRACE_STORE);
    assertThat(TraceStore.load(traces, SpanFixtures.traceId(7), 100))
        .hasValueSatisfying(loaded -> assertThat(loaded.model().size()).isEqualTo(3));
  }
}
