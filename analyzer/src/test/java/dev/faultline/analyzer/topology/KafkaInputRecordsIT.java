package dev.faultline.analyzer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Referenced input records read back from the real broker, and what reads as gone. */
@ExtendWith(KafkaExtension.class)
class KafkaInputRecordsIT {

  @Test
  void readsAReferencedRecordAndReportsOneDeletedByRetentionAsGone(KafkaCluster kafka)
      throws Exception {
    String topic = "input-records-" + UUID.randomUUID();
    Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 5; i++) {
          producer.send(new ProducerRecord<>(topic, 0, null, bytes("record " + i))).get();
        }
      }

      try (KafkaInputRecords records = new KafkaInputRecords(client, "input-records-it")) {
        assertThat(records.value(new BatchRef(topic, 0, 2))).isEqualTo(bytes("record 2"));
        assertThat(records.value(new BatchRef(topic, 0, 4))).isEqualTo(bytes("record 4"));
        assertThat(records.value(new BatchRef(topic, 0, 0))).isEqualTo(bytes("record 0"));
      }

      // Retention deleted the log's start: those records are gone, the rest are still read.
      admin
          .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(3)))
          .all()
          .get();
      try (KafkaInputRecords records = new KafkaInputRecords(client, "input-records-it")) {
        assertThat(records.value(new BatchRef(topic, 0, 1))).isNull();
        assertThat(records.value(new BatchRef(topic, 0, 3))).isEqualTo(bytes("record 3"));
      }
    }
  }

  @Test
  void theConsumerTakesTheApplicationsClientSettingsWithoutItsGroup() {
    Map<String, Object> config =
        KafkaInputRecords.consumerConfig(
            Map.of(
                "bootstrap.servers", "broker:9092",
                "security.protocol", "SASL_SSL",
                "application.id", "faultline",
                "group.id", "faultline",
                "consumer.max.poll.records", 7,
                "restore.consumer.max.poll.records", 9,
                "producer.linger.ms", 5),
            "reader");
    assertThat(config)
        .containsEntry("bootstrap.servers", "broker:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("max.poll.records", 9)
        .containsEntry("client.id", "reader")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false)
        .doesNotContainKeys("group.id", "application.id", "linger.ms");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
