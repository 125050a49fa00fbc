package dev.faultline.analyzer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The start-up check of the input topic's retention, on the real broker. */
@ExtendWith(KafkaExtension.class)
class InputRetentionIT {

  @Test
  void anInputKeptAnHourOnlyMeansBatchesByValueAWeekByReference(KafkaCluster kafka)
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> client = new HashMap<>();
    client.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(client)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("short-" + suffix, 1, (short) 1)
                      .configs(Map.of("retention.ms", "3600000")),
                  new NewTopic("long-" + suffix, 1, (short) 1)
                      .configs(Map.of("retention.ms", "604800000"))))
          .all()
          .get();
    }

    assertThat(
            AnalyzerRuntime.ensureTopics(config("short-" + suffix, suffix), client)
                .traceBatchesByReference())
        .isFalse();
    assertThat(
            AnalyzerRuntime.ensureTopics(config("long-" + suffix, suffix), client)
                .traceBatchesByReference())
        .isTrue();
  }

  private static AnalyzerConfig config(String input, String suffix) {
    return new AnalyzerConfig(
        Map.of(
            IngestConfig.INPUT_TOPIC, input,
            IngestConfig.INPUT_KEYED_BY_TRACE, true,
            IngestConfig.SPANS_TOPIC, "spans-" + suffix,
            IngestConfig.DLQ_TOPIC, "dlq-" + suffix,
            IngestConfig.TOPIC_PARTITIONS, 1,
            AnalyzerConfig.GRAPH_TOPIC, "graph-" + suffix,
            AnalyzerConfig.ALERTS_TOPIC, "alerts-" + suffix));
  }
}
