package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.ingest.kafka.KafkaClientSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options every command that talks to Kafka shares: where the cluster is and how to reach it. */
final class SettingsOptions {
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) passed to every"
              + " client; FAULTLINE_KAFKA_* environment variables override them.")
  Path kafkaConfig;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Faultline settings (faultline.* keys; see 'faultline config').")
  Path config;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description = "A Faultline setting, overriding --config; repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** The Faultline settings: defaults, then the file, then --set. */
  AnalyzerConfig analyzerConfig(Map<String, Object> defaults) throws IOException {
    Map<String, Object> values = new HashMap<>(defaults);
    if (config != null) {
      Properties file = new Properties();
      try (Reader reader = Files.newBufferedReader(config)) {
        file.load(reader);
      }
      file.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
    }
    values.putAll(overrides);
    for (String key : values.keySet()) {
      if (!AnalyzerConfig.CONFIG.names().contains(key)) {
        throw new IllegalArgumentException(
            "unknown setting '" + key + "'; 'faultline config' lists them");
      }
    }
    return new AnalyzerConfig(values);
  }

  /** The Kafka client settings, with {@code bootstrap} when no address was given. */
  Map<String, Object> kafkaClient(String bootstrap) throws IOException {
    return KafkaClientSettings.load(
        kafkaConfig, System.getenv(), bootstrapServers != null ? bootstrapServers : bootstrap);
  }
}
