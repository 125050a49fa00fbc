package dev.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code faultline alerts} reads only committed incident states. With exactly_once_v2, an instance
 * that dies mid-transaction leaves states on the topic that are aborted and written again by the
 * instance taking over; a reader that saw aborted records would see those incidents twice.
 */
@ExtendWith(KafkaExtension.class)
class AlertsCommandIT {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void printsCommittedStatesAndNotAbortedOnes(KafkaCluster kafka) throws Exception {
    String topic = "faultline.alerts-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "transactional.id",
                "alerts-it-" + topic),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "inc-1", bytes("{\"aborted\":true}"))).get();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "inc-1", bytes("{\"committed\":true}"))).get();
      producer.commitTransaction();
    }

    CommandLine line = Faultline.commandLine();
    StringWriter out = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(new StringWriter()));
    int exit =
        line.execute(
            "alerts",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--set",
            "faultline.alerts.topic=" + topic,
            "--json");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("committed").doesNotContain("aborted");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
