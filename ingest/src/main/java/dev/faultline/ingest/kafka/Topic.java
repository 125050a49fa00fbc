package dev.faultline.ingest.kafka;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic with the serdes of its keys and values: each topic is named once, with its types.
 *
 * @param name the topic name
 * @param keySerde serde of keys
 * @param valueSerde serde of values
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
  public Topic {
    requireNonNull(name, "name");
    requireNonNull(keySerde, "keySerde");
    requireNonNull(valueSerde, "valueSerde");
  }

  /** How Kafka Streams reads it. */
  public Consumed<K, V> consumed(String processorName) {
    return Consumed.with(keySerde, valueSerde).withName(processorName);
  }

  /** How Kafka Streams writes it. */
  public Produced<K, V> produced(String processorName) {
    return Produced.with(keySerde, valueSerde).withName(processorName);
  }
}
