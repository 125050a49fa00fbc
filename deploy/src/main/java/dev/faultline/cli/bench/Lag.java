package dev.faultline.cli.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How many records of some topics a consumer group has not committed yet. */
final class Lag {
  private final Admin admin;
  private final String group;
  private final List<String> topics;

  Lag(Admin admin, String group, List<String> topics) {
    this.admin = admin;
    this.group = group;
    this.topics = List.copyOf(topics);
  }

  long records() throws Exception {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (String topic : topics) {
      Set<TopicPartition> partitions =
          admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toSet());
      partitions.forEach(p -> query.put(p, OffsetSpec.latest()));
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(query).all().get();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
      OffsetAndMetadata offset = committed.get(end.getKey());
      lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
    }
    return lag;
  }

  /** Waits until nothing is left or {@code timeoutMs} passed; the lag at that moment. */
  long waitForZero(long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    long lag = records();
    while (lag > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      lag = records();
    }
    return lag;
  }
}
