package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.testing.TopologyHarness;
import dev.faultline.schemas.proto.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
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
              // The driver's wall clock stands still: nothing is waited for at the start.
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 0L,
              AnalyzerConfig.WATERMARK_IDLE_MS, 0L));
  private TopologyHarness topology;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    topology = harness(config);
  }

  private TopologyHarness harness(AnalyzerConfig settings) {
    return new TopologyHarness(
        settings, "trace-expiry-test", registry, AnalyzerTopology.Hooks.none());
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private void send(long atMs, List<Span> spans) {
    topology.send(atMs, spans);
  }

  private static List<Span> complete(long trace, double startMs) {
    return SpanFixtures.cartRequest(trace, startMs);
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
    send(T0_MS + 200, complete(1, 100));
    send(T0_MS + 200, unpaired(2, 100));
    assertThat(meta(1).getClosed()).isFalse();

    // Past the pairing timeout: both are resolved.
    send(T0_MS + 3_500, complete(3, 3_400));
    assertThat(meta(1).getClosed()).isTrue();
    assertThat(meta(2).getClosed()).isTrue();

    // Past the windows' close: the unpaired client became a call to its virtual peer.
    send(T0_MS + 6_000, complete(4, 5_900));
    assertThat(topology.graphRecords())
        .filteredOn(
            r -> r.hasEdge() && r.getEdge().getCallee().getName().equals("payments-gateway"))
        .singleElement()
        .satisfies(r -> assertThat(r.getEdge().getCalls()).isEqualTo(1));

    // Both were stored by reference to their records (the spans topic's), their bytes locally.
    assertThat(localCopies(1)).isOne();
    assertThat(localCopies(2)).isOne();

    // Past retention: both are gone from the store, local copies included.
    send(T0_MS + 12_000, complete(5, 11_900));
    assertThat(topology.storedTrace(SpanFixtures.traceId(1))).isEmpty();
    assertThat(topology.storedTrace(SpanFixtures.traceId(2))).isEmpty();
    assertThat(localCopies(1)).isZero();
    assertThat(localCopies(2)).isZero();
  }

  @Test
  void beyondTheBoundTheOldestTracesAreResolvedEarlyAndCounted() {
    topology.close();
    Map<String, Object> bounded = new java.util.HashMap<>(config.originals());
    bounded.put(AnalyzerConfig.TRACE_MAX_IN_FLIGHT, 100);
    topology = harness(new AnalyzerConfig(bounded));
    for (int trace = 1; trace <= 102; trace++) {
      send(T0_MS + 200 + trace, unpaired(trace, 100 + trace));
    }

    // 102 traces, 100 allowed: the two oldest were resolved before their pairing timeout.
    assertThat(meta(1).getClosed()).isTrue();
    assertThat(meta(2).getClosed()).isTrue();
    for (int trace = 3; trace <= 102; trace++) {
      assertThat(meta(trace).getClosed()).as("trace %d", trace).isFalse();
    }
    assertThat(registry.get("faultline.trace.evicted").counter().count()).isEqualTo(2.0);

    // Past the windows' close: every unpaired call went to its virtual peer, early or not.
    send(T0_MS + 6_000, complete(200, 5_900));
    assertThat(topology.graphRecords())
        .filteredOn(
            r -> r.hasEdge() && r.getEdge().getCallee().getName().equals("payments-gateway"))
        .extracting(r -> r.getEdge().getCalls())
        .containsExactly(102L);
  }

  /** Entries of a trace in the local store of batches stored by reference. */
  private long localCopies(long trace) {
    byte[] id = SpanFixtures.traceId(trace).toByteArray();
    KeyValueStore<Bytes, byte[]> local =
        topology.driver().getKeyValueStore(AnalyzerTopology.TRACE_BATCHES_STORE);
    try (var range =
        local.range(TraceStore.batchKey(id, 0), TraceStore.batchKey(id, Integer.MAX_VALUE))) {
      long count = 0;
      while (range.hasNext()) {
        range.next();
        count++;
      }
      return count;
    }
  }

  private dev.faultline.schemas.proto.TraceMeta meta(long trace) {
    return topology.storedTrace(SpanFixtures.traceId(trace)).orElseThrow().meta();
  }
}
