package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.analyzer.topology.BatchBytes;
import dev.faultline.analyzer.topology.InputRecords;
import dev.faultline.analyzer.topology.TraceStore;
import dev.faultline.analyzer.trace.TraceTree;
import dev.faultline.ingest.config.NormalizerSettings;
import java.util.Optional;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Finds traces: in this instance's trace store when it owns the trace's partition, else says which
 * instance does.
 */
public final class TraceQueries {
  private final KafkaStreams streams;
  private final boolean keyedByCollector;
  private final NormalizerSettings normalizer;
  private final InputRecords input;
  private final AnalyzerMetrics metrics;

  /**
   * @param streams the running application
   * @param keyedByCollector trace assembly reads the collector's partitions directly (placement by
   *     the collector's partitioner, not Kafka's)
   * @param normalizer how ingest normalises spans, to read batches stored as their source record
   * @param input reads the input records of batches stored by reference whose local copy is missing
   * @param metrics counts those reads
   */
  public TraceQueries(
      KafkaStreams streams,
      boolean keyedByCollector,
      NormalizerSettings normalizer,
      InputRecords input,
      AnalyzerMetrics metrics) {
    this.streams = requireNonNull(streams, "streams");
    this.keyedByCollector = keyedByCollector;
    this.normalizer = requireNonNull(normalizer, "normalizer");
    this.input = requireNonNull(input, "input");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /** Where a trace lives: this instance, another one, or unknown (no metadata yet). */
  public sealed interface Location permits Local, Remote, Unknown {}

  /** This instance owns it. */
  public record Local() implements Location {}

  /** Another instance owns it. */
  public record Remote(HostInfo host) implements Location {}

  /** The owner is not known right now (rebalancing, or the store is not up yet). */
  public record Unknown() implements Location {}

  public Location locate(ByteString traceId, HostInfo self) {
    Bytes key = Bytes.wrap(traceId.toByteArray());
    KeyQueryMetadata metadata =
        keyedByCollector
            ? streams.queryMetadataForKey(
                AnalyzerTopology.TRACE_STORE, key, new SaramaCompatPartitioner())
            : streams.queryMetadataForKey(AnalyzerTopology.TRACE_STORE, key, new BytesSerializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return new Unknown();
    }
    HostInfo active = metadata.activeHost();
    return active.equals(self) ? new Local() : new Remote(active);
  }

  /** The trace from this instance's stores, if it holds it. */
  public Optional<Result> local(ByteString traceId) {
    ReadOnlyKeyValueStore<Bytes, byte[]> store = store(AnalyzerTopology.TRACE_STORE);
    // A copy read from Kafka is not kept: the local store is trace assembly's to write.
    BatchBytes bytes =
        new BatchBytes(
            store(AnalyzerTopology.TRACE_BATCHES_STORE),
            input,
            (key, value) -> {},
            metrics.batchReads());
    return TraceStore.load(store, bytes, traceId, Integer.MAX_VALUE, normalizer)
        .map(loaded -> new Result(TraceTree.of(loaded.model()), loaded.meta().getClosed()));
  }

  private ReadOnlyKeyValueStore<Bytes, byte[]> store(String name) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            name, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
  }

  /** A trace and whether its pairing is done. */
  public record Result(TraceTree tree, boolean complete) {}
}
