package dev.faultline.analyzer.config;

import dev.faultline.ingest.config.IngestConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every setting of a Faultline instance: the ingest keys plus the analyzer's. Parsed and validated
 * once at start-up; a bad value fails with a message naming the key. {@code docs/configuration.md}
 * lists them all (generated from {@link #CONFIG} by {@code faultline config --markdown}).
 */
public final class AnalyzerConfig extends AbstractConfig {
  public static final String APPLICATION_ID = "faultline.application.id";
  public static final String STATE_DIR = "faultline.state.dir";
  public static final String PROCESSING_GUARANTEE = "faultline.processing.guarantee";
  public static final String STREAM_THREADS = "faultline.stream.threads";
  public static final String API_HOST = "faultline.api.host";
  public static final String API_PORT = "faultline.api.port";
  public static final String API_ADVERTISED_HOST = "faultline.api.advertised.host";

  /** Every key of a Faultline instance. */
  public static final ConfigDef CONFIG = define(IngestConfig.define(new ConfigDef()));

  private final IngestConfig ingest;

  public AnalyzerConfig(Map<?, ?> values) {
    super(CONFIG, values, false);
    this.ingest = new IngestConfig(ingestValues(values));
  }

  private static Map<?, ?> ingestValues(Map<?, ?> values) {
    Map<Object, Object> out = new java.util.HashMap<>();
    values.forEach(
        (key, value) -> {
          if (IngestConfig.CONFIG.names().contains(String.valueOf(key))) {
            out.put(key, value);
          }
        });
    return out;
  }

  private static ConfigDef define(ConfigDef def) {
    return def.define(
            APPLICATION_ID,
            Type.STRING,
            "faultline",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Kafka Streams application id: instances with the same id share the work; it"
                + " prefixes the internal topics and the consumer group.")
        .define(
            STATE_DIR,
            Type.STRING,
            System.getProperty("java.io.tmpdir") + "/faultline-state",
            Importance.HIGH,
            "Directory of the local state stores (RocksDB). Give each instance a persistent one"
                + " in production so that a restart does not rebuild state from the changelogs.")
        .define(
            PROCESSING_GUARANTEE,
            Type.STRING,
            "exactly_once_v2",
            ValidString.in("exactly_once_v2", "at_least_once"),
            Importance.MEDIUM,
            "Kafka Streams processing guarantee. exactly_once_v2 (the default) never duplicates"
                + " an incident or a span after a failure; at_least_once is faster and is what"
                + " the embedded demo uses.")
        .define(
            STREAM_THREADS,
            Type.INT,
            1,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Stream threads of this instance.")
        .define(
            API_HOST,
            Type.STRING,
            "0.0.0.0",
            Importance.MEDIUM,
            "Address the HTTP API and the web page bind to.")
        .define(
            API_PORT,
            Type.INT,
            8080,
            Range.between(0, 65_535),
            Importance.MEDIUM,
            "Port of the HTTP API and the web page; 0 picks a free one.")
        .define(
            API_ADVERTISED_HOST,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Host name other instances use to reach this one's API (interactive queries);"
                + " empty means this machine's host name.");
  }

  /** The ingest part of these settings. */
  public IngestConfig ingest() {
    return ingest;
  }

  public String applicationId() {
    return getString(APPLICATION_ID);
  }

  public String stateDir() {
    return getString(STATE_DIR);
  }

  public String processingGuarantee() {
    return getString(PROCESSING_GUARANTEE);
  }

  public int streamThreads() {
    return getInt(STREAM_THREADS);
  }

  public String apiHost() {
    return getString(API_HOST);
  }

  public int apiPort() {
    return getInt(API_PORT);
  }

  public String apiAdvertisedHost() {
    return getString(API_ADVERTISED_HOST);
  }
}
