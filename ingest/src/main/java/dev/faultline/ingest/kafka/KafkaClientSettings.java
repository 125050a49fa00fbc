package dev.faultline.ingest.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Kafka client settings that pass through to every client Faultline creates, so that TLS and SASL
 * clusters work: a properties file ({@code --kafka-config}), then {@code FAULTLINE_KAFKA_*}
 * environment variables ({@code FAULTLINE_KAFKA_SECURITY_PROTOCOL=SASL_SSL} sets {@code
 * security.protocol}), then an explicit bootstrap address, each overriding the one before.
 */
public final class KafkaClientSettings {
  /** Prefix of environment variables that become client settings. */
  public static final String ENV_PREFIX = "FAULTLINE_KAFKA_";

  private static final Set<String> SECRET_MARKERS =
      Set.of("password", "secret", "jaas", "token", "credential");

  private KafkaClientSettings() {}

  /**
   * Merges the sources into one client configuration.
   *
   * @param file a properties file, or {@code null}
   * @param environment the process environment (only {@code FAULTLINE_KAFKA_*} are read)
   * @param bootstrapServers an explicit bootstrap address, or {@code null}
   */
  public static Map<String, Object> load(
      Path file, Map<String, String> environment, String bootstrapServers) throws IOException {
    Map<String, Object> config = new TreeMap<>();
    if (file != null) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      }
      properties.forEach((k, v) -> config.put(k.toString().trim(), v.toString().trim()));
    }
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
            config.put(
                name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                value);
          }
        });
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.trim());
    }
    return config;
  }

  /** The settings with the values of secret-looking keys masked, for logs. */
  public static Map<String, Object> redacted(Map<String, Object> config) {
    Map<String, Object> out = new TreeMap<>();
    config.forEach((key, value) -> out.put(key, looksSecret(key) ? "[redacted]" : value));
    return out;
  }

  private static boolean looksSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.equals("ssl.keystore.key") || lower.endsWith(".location")) {
      return lower.equals("ssl.keystore.key");
    }
    for (String marker : SECRET_MARKERS) {
      if (lower.contains(marker)) {
        return true;
      }
    }
    return false;
  }
}
