package dev.faultline.analyzer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.KafkaClientSettings;
import dev.faultline.ingest.receiver.OtlpReceiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance started with an API token, a receiver token and Kafka SASL and TLS passwords (as
 * --kafka-config or FAULTLINE_KAFKA_* would give them) logs none of them, even with Faultline at
 * DEBUG and Kafka's clients at INFO (where they print their whole configuration).
 */
@ExtendWith(KafkaExtension.class)
class SecretsNotLoggedIT {
  private static final String API_TOKEN = "api-token-Zq81xV";
  private static final String RECEIVER_TOKEN = "receiver-token-Pw47cN";
  private static final String SASL_PASSWORD = "sasl-password-Hk29bT";
  private static final String TRUSTSTORE_PASSWORD = "truststore-password-Lm63dR";

  @Test
  void noSecretReachesTheLogWhenAnInstanceStartsWithAllOfThem(KafkaCluster kafka) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> environment =
        Map.of(
            "FAULTLINE_KAFKA_SASL_JAAS_CONFIG",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"faultline\" password=\""
                + SASL_PASSWORD
                + "\";",
            "FAULTLINE_KAFKA_SASL_MECHANISM",
            "PLAIN",
            "FAULTLINE_KAFKA_SSL_TRUSTSTORE_PASSWORD",
            TRUSTSTORE_PASSWORD);
    // The embedded broker speaks PLAINTEXT: the SASL and TLS settings are passed but not used.
    Map<String, Object> client =
        KafkaClientSettings.load(null, environment, kafka.bootstrapServers());
    assertThat(client).containsKey("sasl.jaas.config");

    Map<String, Object> values = new HashMap<>();
    values.put(AnalyzerConfig.APPLICATION_ID, "faultline-secrets-" + suffix);
    values.put(AnalyzerConfig.STATE_DIR, Files.createTempDirectory("faultline-secrets").toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, "at_least_once");
    values.put(AnalyzerConfig.API_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_PORT, 0);
    values.put(AnalyzerConfig.API_ADVERTISED_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_AUTH_TOKEN, API_TOKEN);
    values.put(IngestConfig.RECEIVER_AUTH_TOKEN, RECEIVER_TOKEN);
    values.put(IngestConfig.RECEIVER_HOST, "127.0.0.1");
    values.put(IngestConfig.RECEIVER_HTTP_PORT, 0);
    values.put(IngestConfig.RECEIVER_GRPC_PORT, 0);
    values.put(IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix);
    values.put(IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix);
    values.put(IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix);
    values.put(AnalyzerConfig.GRAPH_TOPIC, "faultline.graph-" + suffix);
    values.put(AnalyzerConfig.ALERTS_TOPIC, "faultline.alerts-" + suffix);
    AnalyzerConfig config = new AnalyzerConfig(values);

    List<String> lines = new CopyOnWriteArrayList<>();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    AbstractAppender capture =
        new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
              line.append(' ').append(t);
            }
            lines.add(line.toString());
          }
        };
    capture.start();
    context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
    Configurator.setLevel("dev.faultline", Level.DEBUG);
    Configurator.setLevel("org.apache.kafka.clients", Level.INFO);
    Configurator.setLevel("org.apache.kafka.streams", Level.INFO);
    Configurator.setLevel("org.apache.kafka.common.config", Level.INFO);
    context.updateLoggers();
    try (AnalyzerRuntime analyzer =
            AnalyzerRuntime.start(
                config,
                new HashMap<>(client),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                AnalyzerTopology.Hooks.none());
        OtlpReceiver receiver =
            OtlpReceiver.start(
                config.ingest().receiver(),
                new HashMap<>(client),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      assertThat(analyzer.awaitRunning(Duration.ofSeconds(60))).isTrue();
      lines.add("settings: " + config.ingest().receiver()); // a record's toString, as a log would
      lines.add("client: " + KafkaClientSettings.redacted(client));
    } finally {
      Configurator.setLevel("dev.faultline", Level.INFO);
      Configurator.setLevel("org.apache.kafka.clients", Level.WARN);
      Configurator.setLevel("org.apache.kafka.streams", Level.WARN);
      Configurator.setLevel("org.apache.kafka.common.config", Level.WARN);
      context.getConfiguration().getRootLogger().removeAppender("secrets-capture");
      context.updateLoggers();
      capture.stop();
    }

    String log = String.join("\n", lines);
    // The capture saw the start-up: Faultline's own lines and the Kafka clients' configurations.
    assertThat(log).contains("API listening on", "bearer token required");
    assertThat(log).contains("sasl.jaas.config = [hidden]");
    assertThat(log).doesNotContain(API_TOKEN, RECEIVER_TOKEN, SASL_PASSWORD, TRUSTSTORE_PASSWORD);
  }
}
