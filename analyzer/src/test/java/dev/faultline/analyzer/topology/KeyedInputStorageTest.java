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
import dev.faultline.schemas.proto.TraceMeta;
import dev.faultline.schemas.span.SpanRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
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
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Map<BatchRef, byte[]> kafka = new HashMap<>();
  private long nextOffset;
  private TopologyHarness topology;
  private KeyValueStore<Bytes, byte[]> traces;
  private KeyValueStore<Bytes, byte[]> batches;

  @BeforeEach
  void start() {
    start(config);
  }

  /** Input records as the test saw them go in, read back by reference as Kafka would. */
  private void start(AnalyzerConfig settings) {
    topology =
        new TopologyHarness(
            settings,
            "keyed-input-storage-test",
            registry,
            AnalyzerTopology.Hooks.none()
                .withInputRecords(
                    (streamsConfig, clientId) ->
                        new InputRecords() {
                          @Override
                          public byte[] value(BatchRef ref) {
                            return kafka.get(ref);
                          }

                          @Override
                          public void close() {}
                        }));
    traces = topology.driver().getKeyValueStore(AnalyzerTopology.TRACE_STORE);
    batches = topology.driver().getKeyValueStore(AnalyzerTopology.TRACE_BATCHES_STORE);
  }

  /** Sends a record as the harness does, remembering it at its offset (they count from 0). */
  private void send(long atMs, List<Span> spans) {
    kafka.put(
        new BatchRef(config.ingest().inputTopic(), 0, nextOffset++),
        Otlp.request(spans).toByteArray());
    topology.send(atMs, spans);
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private static Bytes key(long trace, int index) {
    return TraceStore.batchKey(SpanFixtures.traceId(trace).toByteArray(), index);
  }

  private TraceMeta meta(long trace) {
    return TraceStore.parseMeta(
        traces.get(TraceStore.metaKey(SpanFixtures.traceId(trace).toByteArray())));
  }

  /** A stored batch's bytes: the trace store's entry, or the local copy of one by reference. */
  private byte[] storedBatch(long trace, int index) {
    return BatchSources.refOf(meta(trace), index) != null
        ? batches.get(key(trace, index))
        : traces.get(key(trace, index));
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  private List<Span> loaded(long trace) {
    return topology.storedTrace(SpanFixtures.traceId(trace)).orElseThrow().model().spans().stream()
        .map(SpanRecord::toProto)
        .toList();
  }

  @Test
  void aRecordOfOneTraceIsStoredAsItCameAndReadBackAsItWasDecoded() throws Exception {
    List<Span> spans = SpanFixtures.cartRequest(7, 100);
    send(T0_MS + 200, spans);

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
    send(T0_MS + 200, both);

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
    send(T0_MS + 200, spans);

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
    send(T0_MS + 200, List.of(spans.get(2))); // the cart server span first
    send(T0_MS + 200, spans.subList(0, 2));
    assertThat(storedBatch(10, 0)).isEqualTo(Otlp.request(List.of(spans.get(2))).toByteArray());
    assertThat(storedBatch(10, 1)).isEqualTo(Otlp.request(spans.subList(0, 2)).toByteArray());
    assertThat(loaded(10)).hasSize(3);

    // Later traffic closes the first window.
    send(T0_MS + 5_000, SpanFixtures.cartRequest(99, 4_900));
    assertOneCallToCartInTheFirstWindow();
  }

  private void assertOneCallToCartInTheFirstWindow() {
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

  @Test
  void aRecordOfOneTraceIsReferredToInTheBookkeepingWithItsBytesKeptLocally() {
    List<Span> spans = SpanFixtures.cartRequest(12, 100);
    send(T0_MS + 200, spans);

    assertThat(BatchSources.refOf(meta(12), 0))
        .isEqualTo(new BatchRef(config.ingest().inputTopic(), 0, 0));
    assertThat(traces.get(key(12, 0))).isNull();
    assertThat(batches.get(key(12, 0))).isEqualTo(Otlp.request(spans).toByteArray());
  }

  @Test
  void withReferencesOffTheRecordItselfIsStoredAndNothingLocally() {
    topology.close();
    Map<String, Object> byValue = new HashMap<>(config.originals());
    byValue.put(AnalyzerConfig.TRACE_BATCHES_BY_REFERENCE, false);
    start(new AnalyzerConfig(byValue));
    List<Span> spans = SpanFixtures.cartRequest(13, 100);
    send(T0_MS + 200, spans);

    assertThat(traces.get(key(13, 0))).isEqualTo(Otlp.request(spans).toByteArray());
    assertThat(batches.get(key(13, 0))).isNull();
    assertThat(BatchSources.refOf(meta(13), 0)).isNull();
  }

  /**
   * A task restored on another instance has the references but not the local copies: the first
   * batch's record is read from the input topic, kept locally, and pairs with the second batch.
   */
  @Test
  void aMissingLocalCopyIsReadFromTheInputTopicAndKept() {
    List<Span> spans = SpanFixtures.cartRequest(14, 100);
    send(T0_MS + 200, List.of(spans.get(2))); // the cart server span first
    batches.delete(key(14, 0));
    send(T0_MS + 200, spans.subList(0, 2));

    assertThat(counter("faultline.trace.batches.fetched")).isEqualTo(1.0);
    assertThat(counter("faultline.trace.batches.lost")).isZero();
    assertThat(batches.get(key(14, 0)))
        .isEqualTo(Otlp.request(List.of(spans.get(2))).toByteArray());
    send(T0_MS + 5_000, SpanFixtures.cartRequest(98, 4_900));
    assertOneCallToCartInTheFirstWindow();
  }

  /**
   * A record gone from the input topic too (retention shorter than the trace's life) is counted as
   * lost; the trace goes on with the batches it still has, and nothing fails.
   */
  @Test
  void aRecordGoneFromTheInputIsCountedAsLost() {
    List<Span> spans = SpanFixtures.cartRequest(15, 100);
    send(T0_MS + 200, List.of(spans.get(2)));
    batches.delete(key(15, 0));
    kafka.clear();
    send(T0_MS + 200, spans.subList(0, 2));

    assertThat(counter("faultline.trace.batches.lost")).isEqualTo(1.0);
    assertThat(counter("faultline.trace.batches.fetched")).isZero();
    assertThat(topology.storedTrace(SpanFixtures.traceId(15))).isPresent();
  }
}
