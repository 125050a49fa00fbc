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
 * whose batches were deleted are collected during compaction. The other stores keep Kafka Streams'
 * defaults.
 */
public final class RocksDbSettings implements RocksDBConfigSetter {
  /** Values at least this large go to blob files. */
  static final long MIN_BLOB_BYTES = 512;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    if (!AnalyzerTopology.TRACE_STORE.equals(storeName)) {
      return;
    }
    options.setEnableBlobFiles(true);
    options.setMinBlobSize(MIN_BLOB_BYTES);
    options.setEnableBlobGarbageCollection(true);
  }

  @Override
  public void close(String storeName, Options options) {}
}
