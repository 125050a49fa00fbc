package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.testing.Otlp;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.testing.TopologyHarness;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.span.SpanRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Input keyed by trace id, as the collector writes it: a record of one trace is stored in the trace
 * buffer as it came, and a trace read back from such records (no trace cache at all here) is the
 * trace that was decoded.
 */
class KeyedInputStorageTest {
  private static final long T0_MS = T0 / 1_000_000L;

  private final AnalyzerConfig config =
      new AnalyzerConfig(
          Map.of(
              IngestConfig.INPUT_KEYED_BY_TRACE, true,
              AnalyzerConfig.WINDOW_SIZE_MS, 1_000L,
              AnalyzerConfig.WINDOW_GRACE_MS, 0L,
              AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L,
              AnalyzerConfig.TRACE_CACHE_TRACES, 0,
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 1_000L,
              IngestConfig.TOPIC_PARTITIONS, 1));
  private TopologyHarness topology;
  private KeyValueStore<Bytes, byte[]> traces;

  @BeforeEach
  void start() {
    topology =
        new TopologyHarness(
            config,
            "keyed-input-storage-test",
            new SimpleMeterRegistry(),
            AnalyzerTopology.Hooks.none());
    traces = topology.driver().getKeyValueStore(AnalyzerTopology.TRACE_STORE);
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private byte[] storedBatch(long trace, int index) {
    return traces.get(TraceStore.batchKey(SpanFixtures.traceId(trace).toByteArray(), index));
  }

  private List<Span> loaded(long trace) {
    return TraceStore.load(traces, SpanFixtures.traceId(trace), 100, NormalizerSettings.defaults())
        .orElseThrow()
        .model()
        .spans()
        .stream()
        .map(SpanRecord::toProto)
        .toList();
  }

  @Test
  void aRecordOfOneTraceIsStoredAsItCameAndReadBackAsItWasDecoded() throws Exception {
    List<Span> spans = SpanFixtures.cartRequest(7, 100);
    topology.send(T0_MS + 200, spans);

    byte[] record = Otlp.request(spans).toByteArray();
    assertThat(storedBatch(7, 0)).isEqualTo(record);
    List<Span> decoded =
        new ProtobufSpanReader(NormalizerSettings.defaults())
            .read(record, T0_MS + 200)
            .batches()
            .get(0)
            .getSpansList();
    assertThat(loaded(7)).isEqualTo(decoded);
  }

  @Test
  void aRecordOfSeveralTracesIsStoredAsSerializedBatches() throws Exception {
    List<Span> both = new ArrayList<>(SpanFixtures.cartRequest(8, 100));
    both.addAll(SpanFixtures.cartRequest(9, 100));
    topology.send(T0_MS + 200, both);

    assertThat(storedBatch(8, 0)).startsWith(0x0a, 0x10);
    assertThat(SpanBatch.parseFrom(storedBatch(9, 0)).getSpansCount()).isEqualTo(3);
    assertThat(loaded(8)).hasSize(3);
    assertThat(loaded(9)).hasSize(3);
  }

  /**
   * A record with a refused span (here an all-zero span id) is not what its batch decodes from
   * without the record's timestamp and the dead-letter rules: the batch is stored serialized.
   */
  @Test
  void aRecordWithARefusedSpanIsStoredAsItsSerializedBatch() {
    List<Span> spans = new ArrayList<>(SpanFixtures.cartRequest(11, 100));
    spans.add(
        SpanFixtures.server(4, 3, "cart", "Get", 120, 130)
            .setTraceId(SpanFixtures.traceId(11))
            .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8]))
            .build());
    topology.send(T0_MS + 200, spans);

    assertThat(storedBatch(11, 0)).startsWith(0x0a, 0x10);
    assertThat(loaded(11)).hasSize(3);
  }

  /**
   * With no trace cache every record reloads its trace from the store: the call from frontend to
   * cart pairs a client span with a server span that came in an earlier record.
   */
  @Test
  void aTraceReadBackFromItsRecordsPairsSpansOfEarlierRecords() {
    List<Span> spans = SpanFixtures.cartRequest(10, 100);
    topology.send(T0_MS + 200, List.of(spans.get(2))); // the cart server span first
    topology.send(T0_MS + 200, spans.subList(0, 2));
    assertThat(storedBatch(10, 0)).isEqualTo(Otlp.request(List.of(spans.get(2))).toByteArray());
    assertThat(storedBatch(10, 1)).isEqualTo(Otlp.request(spans.subList(0, 2)).toByteArray());
    assertThat(loaded(10)).hasSize(3);

    // Later traffic closes the first window.
    topology.send(T0_MS + 5_000, SpanFixtures.cartRequest(99, 4_900));
    List<GraphRecord> records = topology.graphRecords();
    assertThat(records)
        .filteredOn(
            r ->
                r.hasEdge()
                    && r.getWindowStartMs() == T0_MS
                    && r.getEdge().getCallee().getName().equals("cart"))
        .singleElement()
        .satisfies(r -> assertThat(r.getEdge().getCalls()).isEqualTo(1));
  }
}
