package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.graph.CardinalityLimit;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.trace.Observation;
import dev.faultline.ingest.kafka.IngestTopics;
import dev.faultline.ingest.kafka.Topic;
import dev.faultline.ingest.topology.IngestTopology;
import dev.faultline.ingest.topology.TraceBatch;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.WindowPartial;
import dev.faultline.schemas.serde.Serdes;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;
import org.apache.kafka.common.serialization.Serdes.BytesSerde;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the analyzer's topology, the one place where the pipeline is assembled. The flow of a
 * span:
 *
 * <ol>
 *   <li>{@code otlp_spans} is decoded and normalised; bad input goes to {@code faultline.dlq}
 *       ({@link IngestTopology});
 *   <li>span batches are keyed by trace id and, unless the input is already partitioned by trace
 *       id, go through {@code faultline.spans} so that one task sees all spans of a trace;
 *   <li>{@code trace-assembly} buffers each trace (stores {@code trace-buffer}, {@code
 *       trace-expiry}) and emits calls and visits as soon as they are known;
 *   <li>{@code window-stats} accumulates them per window and sends each closed window's part
 *       through the one-partition repartition topic {@code graph-partials};
 *   <li>{@code graph-merge} (one task) merges the parts and publishes each window to {@code
 *       faultline.graph} and to the detectors;
 *   <li>every instance keeps the recent windows of {@code faultline.graph} in the global store
 *       {@code graph-history}, which the query API reads.
 * </ol>
 */
public final class AnalyzerTopology {
  /** Name of the source node reading the spans topic. */
  public static final String SPANS_SOURCE = "spans-source";

  /** Store holding each trace being assembled or retained for queries. */
  public static final String TRACE_STORE = TraceAssemblyProcessor.BUFFER;

  /** Local store (no changelog) of the bytes of batches stored by reference ({@link BatchRef}). */
  public static final String TRACE_BATCHES_STORE = TraceAssemblyProcessor.BATCHES;

  /** Global store of the recent graph windows. */
  public static final String GRAPH_STORE = GraphHistoryProcessor.STORE;

  /** Global store of the latest state of every incident. */
  public static final String INCIDENT_STORE = IncidentHistoryProcessor.STORE;

  private AnalyzerTopology() {}

  /** Adds the whole pipeline to {@code builder}. */
  public static void build(
      StreamsBuilder builder, AnalyzerConfig config, AnalyzerMetrics metrics, Hooks hooks) {
    requireNonNull(hooks, "hooks");
    KStream<byte[], RawSpanBatch> spans = spans(builder, config, metrics);
    // No record cache on the trace store: trace assembly keeps active traces as objects itself, and
    // the
    // cache's range scans copy what they cover.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TraceAssemblyProcessor.BUFFER),
                new BytesSerde(),
                new ByteArraySerde())
            .withCachingDisabled());
    // No changelog: the bytes of batches stored by reference; the input topic holds them.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TraceAssemblyProcessor.BATCHES),
                new BytesSerde(),
                new ByteArraySerde())
            .withCachingDisabled()
            .withLoggingDisabled());
    // The expiry index is written once per commit by trace assembly itself (ExpiryIndex).
    builder.addStateStore(CommitHookStore.builder(TraceAssemblyProcessor.EXPIRY));
    TraceAssemblyProcessor.Settings traces =
        new TraceAssemblyProcessor.Settings(
            config.pairingTimeoutMs(),
            config.traceRetentionMs(),
            config.traceMaxSpans(),
            config.traceMaxInFlight(),
            Math.max(100, Math.min(1_000, config.pairingTimeoutMs() / 4)),
            config.traceCacheTraces(),
            config.watermarkIdleMs(),
            config.ingest().inputKeyedByTrace() ? 1 : config.ingest().topicPartitions(),
            config.traceBatchesByReference());
    KStream<byte[], Observation> observations =
        spans.process(
            () ->
                new TraceAssemblyProcessor(
                    traces, config.ingest().normalizer(), metrics, hooks.inputRecords()),
            Named.as("trace-assembly"),
            TraceAssemblyProcessor.BUFFER,
            TraceAssemblyProcessor.BATCHES,
            TraceAssemblyProcessor.EXPIRY);
    builder.addStateStore(CommitHookStore.builder(WindowStatsProcessor.STORE));
    KStream<byte[], WindowPartial> partials =
        observations.process(
            () ->
                new WindowStatsProcessor(
                    config.windowSizeMs(),
                    config.windowGraceMs(),
                    new CardinalityLimit(
                        config.windowMaxNodes(),
                        config.windowMaxOperations(),
                        config.windowMaxEdges()),
                    metrics),
            Named.as("window-stats"),
            WindowStatsProcessor.STORE);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(GraphMergeProcessor.STORE),
                new BytesSerde(),
                new ByteArraySerde())
            .withCachingDisabled());
    Topic<Bytes, GraphRecord> graph = graphTopic(config);
    KStream<Bytes, Published> published =
        partials
            .repartition(
                Repartitioned.<byte[], WindowPartial>as("graph-partials")
                    .withKeySerde(new ByteArraySerde())
                    .withValueSerde(Serdes.windowPartial())
                    .withNumberOfPartitions(1))
            .process(
                () ->
                    new GraphMergeProcessor(
                        config.windowSizeMs(),
                        config.graphFinalizeTimeoutMs(),
                        config.ingest().topicPartitions(),
                        metrics,
                        hooks.windowListener()),
                Named.as("graph-merge"),
                GraphMergeProcessor.STORE);
    published
        .filter((key, value) -> value instanceof Published.Part, Named.as("graph-parts"))
        .mapValues(value -> ((Published.Part) value).record(), Named.as("graph-record"))
        .to(graph.name(), graph.produced("graph-sink"));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DetectionProcessor.STORE),
            new StringSerde(),
            new ByteArraySerde()));
    Topic<String, Incident> alerts = alertsTopic(config);
    published
        .filter((key, value) -> value instanceof Published.Whole, Named.as("graph-windows"))
        .mapValues(value -> ((Published.Whole) value).window(), Named.as("graph-window"))
        .process(
            () -> new DetectionProcessor(hooks.detection()),
            Named.as("detect"),
            DetectionProcessor.STORE)
        .to(alerts.name(), alerts.produced("alerts-sink"));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(GraphHistoryProcessor.STORE),
                new BytesSerde(),
                new ByteArraySerde())
            .withLoggingDisabled(),
        graph.name(),
        Consumed.with(new BytesSerde(), new ByteArraySerde()).withName("graph-history-source"),
        () -> new GraphHistoryProcessor(config.graphHistoryMs()));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(IncidentHistoryProcessor.STORE),
                new StringSerde(),
                new ByteArraySerde())
            .withLoggingDisabled(),
        alerts.name(),
        Consumed.with(new StringSerde(), new ByteArraySerde()).withName("incident-history-source"),
        () -> new IncidentHistoryProcessor(hooks.incidentListener()));
  }

  /** The alerts topic with its serdes: key = incident id, value = incident JSON. */
  public static Topic<String, Incident> alertsTopic(AnalyzerConfig config) {
    return new Topic<>(
        config.alertsTopic(),
        new StringSerde(),
        config.alertsAsCloudEvents()
            ? IncidentJson.cloudEventsSerde("faultline/" + config.applicationId())
            : IncidentJson.serde());
  }

  /** The graph topic with its serdes. */
  public static Topic<Bytes, GraphRecord> graphTopic(AnalyzerConfig config) {
    return new Topic<>(config.graphTopic(), new BytesSerde(), Serdes.graphRecord());
  }

  /**
   * The span batches, partitioned by trace id: straight from decoding when the input is already
   * keyed by trace id, else through the spans topic.
   */
  static KStream<byte[], RawSpanBatch> spans(
      StreamsBuilder builder, AnalyzerConfig config, AnalyzerMetrics metrics) {
    KStream<byte[], TraceBatch> decoded =
        IngestTopology.decode(builder, config.ingest(), metrics.ingest());
    if (config.ingest().inputKeyedByTrace()) {
      return decoded.mapValues(RawSpanBatch::of, Named.as("batch-bytes"));
    }
    IngestTopics topics = IngestTopics.of(config.ingest());
    decoded
        .mapValues(TraceBatch::batch, Named.as("batch-spans"))
        .to(topics.spans().name(), topics.spans().produced("spans-sink"));
    return builder.stream(
        topics.spans().name(),
        Consumed.with(topics.spans().keySerde(), RawSpanBatch.serde()).withName(SPANS_SOURCE));
  }

  /**
   * What the surrounding application plugs into the topology.
   *
   * @param windowListener sees every published window (tests, metrics)
   * @param detection makes the detection engine of the graph stage's task
   * @param incidentListener sees every incident state reaching this instance (the live stream)
   * @param inputRecords makes trace assembly's readers of referenced input records
   */
  public record Hooks(
      Consumer<GraphWindow> windowListener,
      Supplier<DetectionEngine> detection,
      Consumer<byte[]> incidentListener,
      InputRecords.Factory inputRecords) {
    public Hooks {
      requireNonNull(windowListener, "windowListener");
      requireNonNull(detection, "detection");
      requireNonNull(incidentListener, "incidentListener");
      requireNonNull(inputRecords, "inputRecords");
    }

    /** No detection and no listeners; referenced input records read from the Kafka cluster. */
    public static Hooks none() {
      return new Hooks(
          window -> {}, DetectionEngine::none, incident -> {}, InputRecords.Factory.KAFKA);
    }

    public Hooks withWindowListener(Consumer<GraphWindow> listener) {
      return new Hooks(listener, detection, incidentListener, inputRecords);
    }

    public Hooks withDetection(Supplier<DetectionEngine> engines) {
      return new Hooks(windowListener, engines, incidentListener, inputRecords);
    }

    public Hooks withIncidentListener(Consumer<byte[]> listener) {
      return new Hooks(windowListener, detection, listener, inputRecords);
    }

    /** Where trace assembly reads referenced input records whose local copy is missing. */
    public Hooks withInputRecords(InputRecords.Factory factory) {
      return new Hooks(windowListener, detection, incidentListener, factory);
    }
  }
}
