package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.testing.Otlp;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.serde.Serdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
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

/**
 * Expiry of traces that are not in memory (no trace cache at all): a trace of which everything was
 * emitted is resolved and forgotten from its bookkeeping alone; one with something unpaired is read
 * back and resolved as usual.
 */
class TraceExpiryTest {
  private static final long T0_MS = T0 / 1_000_000L;

  private final AnalyzerConfig config =
      new AnalyzerConfig(
          Map.of(
              AnalyzerConfig.WINDOW_SIZE_MS, 1_000L,
              AnalyzerConfig.WINDOW_GRACE_MS, 0L,
              AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L,
              AnalyzerConfig.TRACE_RETENTION_MS, 5_000L,
              AnalyzerConfig.TRACE_CACHE_TRACES, 0,
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 1_000L));
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
        AnalyzerTopology.Hooks.none());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trace-expiry-test");
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

  private static List<Span> complete(long trace, double startMs) {
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

  /** A client span whose server side never comes: a call to a virtual peer once resolved. */
  private static List<Span> unpaired(long trace, double startMs) {
    return List.of(
        SpanFixtures.server(1, 0, "checkout", "POST /pay", startMs, startMs + 100)
            .setTraceId(SpanFixtures.traceId(trace))
            .build(),
        SpanFixtures.client(2, 1, "checkout", "charge", startMs + 10, startMs + 90)
            .setTraceId(SpanFixtures.traceId(trace))
            .putAttributes("peer.service", "payments-gateway")
            .build());
  }

  @Test
  void tracesNotInMemoryAreResolvedAndForgotten() {
    KeyValueStore<Bytes, byte[]> traces = driver.getKeyValueStore(AnalyzerTopology.TRACE_STORE);
    send(T0_MS + 200, complete(1, 100));
    send(T0_MS + 200, unpaired(2, 100));
    assertThat(meta(traces, 1).getClosed()).isFalse();

    // Past the pairing timeout: both are resolved.
    send(T0_MS + 3_500, complete(3, 3_400));
    assertThat(meta(traces, 1).getClosed()).isTrue();
    assertThat(meta(traces, 2).getClosed()).isTrue();

    // Past the windows' close: the unpaired client became a call to its virtual peer.
    send(T0_MS + 6_000, complete(4, 5_900));
    assertThat(graph.readValuesToList())
        .filteredOn(
            r -> r.hasEdge() && r.getEdge().getCallee().getName().equals("payments-gateway"))
        .singleElement()
        .satisfies(r -> assertThat(r.getEdge().getCalls()).isEqualTo(1));

    // Past retention: both are gone from the store.
    send(T0_MS + 12_000, complete(5, 11_900));
    assertThat(TraceStore.load(traces, SpanFixtures.traceId(1), 100)).isEmpty();
    assertThat(TraceStore.load(traces, SpanFixtures.traceId(2), 100)).isEmpty();
  }

  private static dev.faultline.schemas.proto.TraceMeta meta(
      KeyValueStore<Bytes, byte[]> traces, long trace) {
    return TraceStore.load(traces, SpanFixtures.traceId(trace), 100).orElseThrow().meta();
  }
}
