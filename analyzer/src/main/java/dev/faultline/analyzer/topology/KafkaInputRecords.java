package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads referenced input records with a consumer of its own (no group, read_committed), created on
 * the first read. Reads come in bursts in input order (a restored task resolving its traces), so
 * every record of a fetch is kept for a while: the next reference is most likely among them.
 * Thread-safe.
 */
public final class KafkaInputRecords implements InputRecords {
  /**
   * Fetched records kept for the next reads, in bytes of their values: a few fetches (a fetch
   * brings up to {@code max.partition.fetch.bytes}, 1 MiB by default), small beside a 512 MiB heap
   * with a reader per task.
   */
  static final long KEPT_BYTES = 4L << 20;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, Object> config;
  private final Map<BatchRef, byte[]> kept = new LinkedHashMap<>(1024, 0.75f, true);
  private long keptBytes;
  private KafkaConsumer<byte[], byte[]> consumer;

  /**
   * @param streamsConfig the application's Kafka Streams settings: the consumer takes their client
   *     settings (bootstrap servers, security), then those prefixed {@code consumer.} and {@code
   *     restore.consumer.}
   * @param clientId the consumer's client id
   */
  public KafkaInputRecords(Map<String, ?> streamsConfig, String clientId) {
    this.config = consumerConfig(streamsConfig, clientId);
  }

  static Map<String, Object> consumerConfig(Map<String, ?> streams, String clientId) {
    Map<String, Object> config = new HashMap<>();
    streams.forEach(
        (key, value) -> {
          if (ConsumerConfig.configNames().contains(key)) {
            config.put(key, value);
          }
        });
    for (String prefix :
        List.of(StreamsConfig.CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX)) {
      streams.forEach(
          (key, value) -> {
            if (key.startsWith(prefix)) {
              config.put(key.substring(prefix.length()), value);
            }
          });
    }
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, requireNonNull(clientId, "clientId"));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  @Override
  public synchronized byte[] value(BatchRef ref) {
    byte[] value = kept.get(ref);
    if (value != null) {
      return value;
    }
    if (consumer == null) {
      consumer = new KafkaConsumer<>(config);
    }
    TopicPartition partition = new TopicPartition(ref.topic(), ref.partition());
    consumer.assign(List.of(partition));
    consumer.seek(partition, ref.offset());
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        for (ConsumerRecord<byte[], byte[]> record :
            consumer.poll(Duration.ofMillis(200)).records(partition)) {
          keep(new BatchRef(ref.topic(), ref.partition(), record.offset()), record.value());
          if (record.offset() == ref.offset()) {
            value = record.value();
          }
        }
      } catch (OffsetOutOfRangeException e) {
        return null; // deleted by retention
      }
      if (value != null || consumer.position(partition) > ref.offset()) {
        return value; // read, or passed over (an aborted transaction's record)
      }
    }
    throw new TimeoutException(
        "could not read input record " + ref + " in " + READ_TIMEOUT.toSeconds() + " s");
  }

  private void keep(BatchRef ref, byte[] value) {
    if (value == null || kept.containsKey(ref)) {
      return;
    }
    kept.put(ref, value);
    keptBytes += value.length;
    var eldest = kept.entrySet().iterator();
    while (keptBytes > KEPT_BYTES && eldest.hasNext()) {
      keptBytes -= eldest.next().getValue().length;
      eldest.remove();
    }
  }

  @Override
  public synchronized void close() {
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
      consumer = null;
    }
    kept.clear();
    keptBytes = 0;
  }
}
