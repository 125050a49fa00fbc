package dev.faultline.analyzer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace store is opened with blob files and all its Bloom filters; every other store with
 * Streams' defaults.
 */
class RocksDbSettingsTest {
  private static final String OTHER = "other-store";
  private static final int BATCH_BYTES = 4 * 1024;

  @TempDir Path stateDir;

  /** Writes each input value under its key into both stores. */
  private static final class Writer implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<Bytes, byte[]> traces;
    private KeyValueStore<Bytes, byte[]> other;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      traces = context.getStateStore(AnalyzerTopology.TRACE_STORE);
      other = context.getStateStore(OTHER);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      traces.put(key(record.key()), record.value());
      other.put(key(record.key()), record.value());
    }
  }

  private static Bytes key(String key) {
    return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] batch(int i) {
    byte[] batch = new byte[BATCH_BYTES];
    Arrays.fill(batch, (byte) i);
    return batch;
  }

  @Test
  void onlyTheTraceStoreKeepsItsValuesInBlobFiles() throws IOException {
    StreamsBuilder builder = new StreamsBuilder();
    for (String store : List.of(AnalyzerTopology.TRACE_STORE, OTHER)) {
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(store), Serdes.Bytes(), Serdes.ByteArray())
              .withCachingDisabled()
              .withLoggingDisabled());
    }
    builder.stream("in", Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(Writer::new, AnalyzerTopology.TRACE_STORE, OTHER);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-settings-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // As the analyzer's settings give it.
    props.put(
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
        StreamsSettings.of(new AnalyzerConfig(Map.of()), Map.of(), "localhost:8080")
            .get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));

    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic(
              "in", Serdes.String().serializer(), Serdes.ByteArray().serializer());
      for (int i = 0; i < 200; i++) {
        in.pipeInput("trace-" + i, batch(i));
      }
      // RocksDB writes the options each store was opened with beside it.
      assertThat(options(AnalyzerTopology.TRACE_STORE))
          .contains("enable_blob_files=true")
          .contains("min_blob_size=" + RocksDbSettings.MIN_BLOB_BYTES)
          .contains("enable_blob_garbage_collection=true")
          // Most of its reads miss (a new trace), so every sorted run keeps its Bloom filter.
          .contains("optimize_filters_for_hits=false");
      assertThat(options(OTHER))
          .contains("enable_blob_files=false")
          .contains("optimize_filters_for_hits=true");
      KeyValueStore<Bytes, byte[]> traces = driver.getKeyValueStore(AnalyzerTopology.TRACE_STORE);
      for (int i = 0; i < 200; i += 17) {
        assertThat(traces.get(key("trace-" + i))).isEqualTo(batch(i));
      }
    }
  }

  /** The newest OPTIONS file RocksDB wrote for {@code store}. */
  private String options(String store) throws IOException {
    try (Stream<Path> files = Files.walk(stateDir)) {
      Path newest =
          files
              .filter(f -> f.getParent().getFileName().toString().equals(store))
              .filter(f -> f.getFileName().toString().startsWith("OPTIONS-"))
              .max(java.util.Comparator.comparing(Path::toString))
              .orElseThrow();
      return Files.readString(newest);
    }
  }
}
