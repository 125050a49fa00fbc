package dev.faultline.analyzer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.ingest.config.IngestConfig;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

/** Which input topics keep records long enough for batches stored by reference. */
class InputRetentionTest {
  private static final long NEEDED = 2 * 3_600_000L;

  private static Config topic(String... nameValues) {
    ConfigEntry[] entries = new ConfigEntry[nameValues.length / 2];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = new ConfigEntry(nameValues[2 * i], nameValues[2 * i + 1]);
    }
    return new Config(Arrays.asList(entries));
  }

  @Test
  void aTopicDeletingByAgeLongEnoughAllowsReferences() {
    assertThat(
            InputRetention.reasonAgainst(
                topic(
                    "cleanup.policy",
                    "delete",
                    "retention.ms",
                    "604800000",
                    "retention.bytes",
                    "-1"),
                NEEDED))
        .isEmpty();
    assertThat(InputRetention.reasonAgainst(topic("retention.ms", "-1"), NEEDED)).isEmpty();
    assertThat(InputRetention.reasonAgainst(topic("retention.ms", Long.toString(NEEDED)), NEEDED))
        .isEmpty();
  }

  @Test
  void compactionByteLimitsOrShortRetentionDoNot() {
    assertThat(InputRetention.reasonAgainst(topic("cleanup.policy", "compact"), NEEDED))
        .hasValue("cleanup.policy is compact");
    assertThat(InputRetention.reasonAgainst(topic("cleanup.policy", "compact,delete"), NEEDED))
        .isPresent();
    assertThat(InputRetention.reasonAgainst(topic("retention.bytes", "1073741824"), NEEDED))
        .hasValue("retention.bytes is 1073741824");
    assertThat(InputRetention.reasonAgainst(topic("retention.ms", "3600000"), NEEDED))
        .hasValue("retention.ms is 3600000");
  }

  @Test
  void theTopicIsTheInputWhenKeyedByTraceElseTheSpansTopic() {
    AnalyzerConfig keyed =
        new AnalyzerConfig(
            Map.of(IngestConfig.INPUT_KEYED_BY_TRACE, true, IngestConfig.INPUT_TOPIC, "in"));
    AnalyzerConfig viaSpans =
        new AnalyzerConfig(
            Map.of(IngestConfig.INPUT_TOPIC, "in", IngestConfig.SPANS_TOPIC, "spans"));
    assertThat(InputRetention.topic(keyed)).isEqualTo("in");
    assertThat(InputRetention.topic(viaSpans)).isEqualTo("spans");
    assertThat(InputRetention.neededMs(keyed))
        .isEqualTo(keyed.pairingTimeoutMs() + keyed.traceRetentionMs() + 3_600_000L);
  }
}
