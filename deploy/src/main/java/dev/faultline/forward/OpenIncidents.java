package dev.faultline.forward;

import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The incidents not resolved yet, by id: what the forwarder keeps firing in Alertmanager. */
final class OpenIncidents {
  private static final Logger LOG = LoggerFactory.getLogger(OpenIncidents.class);

  private final Map<String, Incident> open = new ConcurrentHashMap<>();

  /** The state last recorded for {@code id}, or null. */
  Incident get(String id) {
    return open.get(id);
  }

  /** Records a state: a resolved incident is forgotten, any other kept. */
  void update(Incident incident) {
    if (incident.status() == IncidentStatus.RESOLVED) {
      open.remove(incident.id());
    } else {
      open.put(incident.id(), incident);
    }
  }

  void forget(String id) {
    open.remove(id);
  }

  Collection<Incident> all() {
    return List.copyOf(open.values());
  }

  int size() {
    return open.size();
  }

  boolean isEmpty() {
    return open.isEmpty();
  }

  void clear() {
    open.clear();
  }

  /**
   * Replaces what is known by reading the compacted alerts topic from its beginning to its current
   * end, outside any group (the latest state of every incident is there).
   *
   * @param consumerConfig the forwarder's consumer settings (its group is left out)
   * @param running false stops the reading early
   */
  void load(Map<String, Object> consumerConfig, String topic, BooleanSupplier running) {
    open.clear();
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          reader.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = reader.endOffsets(partitions);
      while (running.getAsBoolean()
          && partitions.stream().anyMatch(p -> reader.position(p) < end.getOrDefault(p, 0L))) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
          remember(record);
        }
      }
      LOG.info("{} open incident(s) on {}", open.size(), topic);
    } catch (KafkaException e) {
      LOG.warn(
          "could not read the open incidents of {} ({}); they are sent again once updated",
          topic,
          e.getMessage());
    }
  }

  private void remember(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      if (record.key() != null) {
        open.remove(record.key());
      }
      return;
    }
    try {
      update(IncidentJson.read(record.value()));
    } catch (IOException | RuntimeException e) {
      // Unreadable states are counted when the group reaches them.
    }
  }
}
