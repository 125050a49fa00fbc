package dev.faultline.analyzer.query;

import dev.faultline.schemas.Ids;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where the OpenTelemetry Collector's kafkaexporter puts a trace with {@code
 * partition_traces_by_id: true}: its default partitioner hashes the key (the trace id in lower-case
 * hex) with 32-bit FNV-1a, as Sarama did, and takes the remainder, made positive by negation. Not
 * Kafka's murmur2: a Java producer would place the same key elsewhere. Used to find which instance
 * holds a trace when trace assembly reads the collector's partitions directly.
 */
public final class SaramaCompatPartitioner implements StreamPartitioner<Bytes, Object> {

  @Override
  public Optional<Set<Integer>> partitions(
      String topic, Bytes traceId, Object value, int numPartitions) {
    return Optional.of(Set.of(partition(Ids.toHex(traceId.get()), numPartitions)));
  }

  /** The partition of a key among {@code numPartitions}. */
  public static int partition(String key, int numPartitions) {
    int hash = 0x811C9DC5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    int partition = hash % numPartitions;
    return partition < 0 ? -partition : partition;
  }
}
