package dev.faultline.analyzer.runtime;

import dev.faultline.analyzer.config.AnalyzerConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties of an analyzer instance. */
public final class StreamsSettings {
  private static final long MIB = 1024 * 1024;

  private StreamsSettings() {}

  /**
   * The size of each of the three large buffers (the record cache, the producer's buffer, a fetch):
   * 64 MiB, which throughput wants, but no more than a 32nd of the heap each, so that a small heap
   * (512 MiB: 16 MiB each) is not taken by buffers and spent in collections. Any of them can be set
   * in the Kafka client settings, which win.
   */
  static long bufferBytes(long maxHeapBytes) {
    return Math.max(4 * MIB, Math.min(64 * MIB, maxHeapBytes / 32));
  }

  /**
   * Client settings (bootstrap, security, any Streams key the user passed) under Faultline's own.
   *
   * @param config Faultline's settings
   * @param client the Kafka client settings; Streams keys in them override the defaults here
   * @param applicationServer {@code host:port} of this instance's API, for interactive queries
   */
  public static Properties of(
      AnalyzerConfig config, Map<String, Object> client, String applicationServer) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    long buffer = bufferBytes(Runtime.getRuntime().maxMemory());
    // Repeated updates of one trace within a commit interval reach RocksDB and the changelog once.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, buffer);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.ingest().topicReplication());
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    // Span batches are small records; large producer batches amortise the per-request cost.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 512 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), buffer);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2_000);
    // An instance that dies without leaving the group holds its partitions until its session
    // expires: 45 s by default, too long for a tool that must answer during an incident.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
    // A record holds a whole OTLP request (tens of KiB): the 1 MiB default per partition makes
    // every poll a short one.
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        (int) Math.min(8 * MIB, buffer / 2));
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), (int) buffer);
    // Each input partition's queue holds up to this many records before it is paused: with
    // records of whole OTLP requests (tens of KiB, up to the collector's 1 MB), Streams' default of
    // 1,000 kept over 100 MB of input on the heap in the bench. A 64 KiB record for each 64th of
    // the buffer size: 1,024 at 64 MiB, 256 at 16 MiB.
    props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, (int) (buffer / (64 * 1024)));
    props.put("processing.exception.handler.global.enabled", true);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbSettings.class);
    props.putAll(client);
    return props;
  }
}
