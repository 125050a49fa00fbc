package dev.faultline.analyzer.runtime;

import dev.faultline.analyzer.topology.AnalyzerTopology;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB options of the trace store ({@link AnalyzerTopology#TRACE_STORE}): its values are whole
 * span batches (kilobytes, written once, deleted after retention) under random trace-id keys, so
 * every compaction would copy them again. They go to blob files instead (RocksDB's integrated
 * BlobDB, key-value separation), and compactions move only keys and blob references; blob files
 * whose batches were deleted are collected during compaction.
 *
 * <p>Kafka Streams sets {@code optimize_filters_for_hits}, which leaves the largest sorted run
 * without Bloom filters: right for stores whose reads mostly find their key. Here most reads miss:
 * every batch of a trace not in memory looks up the trace's bookkeeping, and for a new trace
 * (nearly every batch, when a collector sends whole traces) there is none, so each miss read that
 * run's index and data blocks. The trace store keeps its filters on every run. The other stores
 * keep Kafka Streams' defaults.
 */
public final class RocksDbSettings implements RocksDBConfigSetter {
  /** Values at least this large go to blob files. */
  static final long MIN_BLOB_BYTES = 512;

  /** The memtable's Bloom filter, as a share of the write buffer (16 MiB: 160 KiB of filter). */
  static final double MEMTABLE_BLOOM_RATIO = 0.01;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    if (!AnalyzerTopology.TRACE_STORE.equals(storeName)
        && !AnalyzerTopology.TRACE_BATCHES_STORE.equals(storeName)) {
      return;
    }
    options.setEnableBlobFiles(true);
    options.setMinBlobSize(MIN_BLOB_BYTES);
    options.setEnableBlobGarbageCollection(true);
    options.setOptimizeFiltersForHits(false);
    options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
    options.setMemtableWholeKeyFiltering(true);
  }

  @Override
  public void close(String storeName, Options options) {}
}
